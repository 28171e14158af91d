"""PynamoDB 6 end to end: create a table from a model, save, get, update with actions, a conditional
save that fails, range-key queries, scan, batch write, count and delete."""

import uuid

import pytest
from pynamodb.attributes import ListAttribute, MapAttribute, NumberAttribute, UnicodeAttribute, UnicodeSetAttribute
from pynamodb.exceptions import PutError
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex, IncludeProjection, KeysOnlyProjection, LocalSecondaryIndex
from pynamodb.models import Model


class Address(MapAttribute):
    city = UnicodeAttribute()
    zip = UnicodeAttribute(null=True)


def model_for(endpoint):
    class Message(Model):
        class Meta:
            table_name = "pynamo_" + uuid.uuid4().hex[:8]
            host = endpoint
            region = "us-east-1"
            aws_access_key_id = "trident"
            aws_secret_access_key = "trident"
            read_capacity_units = 100
            write_capacity_units = 100

        thread = UnicodeAttribute(hash_key=True)
        posted = NumberAttribute(range_key=True)
        body = UnicodeAttribute()
        views = NumberAttribute(default=0)
        tags = UnicodeSetAttribute(default=set)
        history = ListAttribute(default=list)
        address = Address(null=True)

    return Message


def test_pynamodb_model_lifecycle(endpoint):
    Message = model_for(endpoint)
    Message.create_table(wait=True)
    try:
        for i in range(10):
            Message(thread="t1", posted=i, body=f"message {i}", tags={"a"} if i % 2 else {"b"}).save()
        Message(thread="t2", posted=1, body="other", address=Address(city="Lyon")).save()

        m = Message.get("t1", 3)
        assert m.body == "message 3" and m.tags == {"a"}
        m.update(actions=[Message.views.add(2), Message.tags.add({"z"}), Message.history.set(Message.history.append(["seen"])),
                          Message.body.set("edited")])
        m = Message.get("t1", 3)
        assert m.views == 2 and m.tags == {"a", "z"} and m.history == ["seen"] and m.body == "edited"

        with pytest.raises(PutError):
            Message(thread="t1", posted=3, body="dup").save(condition=Message.thread.does_not_exist())

        assert [x.posted for x in Message.query("t1", Message.posted.between(2, 5))] == [2, 3, 4, 5]
        assert [x.posted for x in Message.query("t1", Message.posted > 7, scan_index_forward=False)] == [9, 8]
        assert [x.posted for x in Message.query("t1", Message.posted < 3, filter_condition=Message.tags.contains("b"))] == [0, 2]
        assert [x.posted for x in Message.query("t1", page_size=3)] == list(range(10))
        assert sorted((x.thread, x.posted) for x in Message.scan(Message.address.city == "Lyon")) == [("t2", 1)]

        with Message.batch_write() as batch:
            for i in range(10, 40):
                batch.save(Message(thread="t3", posted=i, body="batched"))
        assert Message.count("t3") == 30
        assert Message.count() == 41
        got = list(Message.batch_get([("t3", 10), ("t3", 39), ("t1", 0)]))
        assert sorted(x.posted for x in got) == [0, 10, 39]

        Message.get("t2", 1).delete()
        assert Message.exists()
        assert Message.count("t2") == 0
    finally:
        Message.delete_table()


def indexed_model_for(endpoint):
    class ByAuthor(GlobalSecondaryIndex):
        class Meta:
            index_name = "by_author"
            projection = IncludeProjection(["body"])
            read_capacity_units = 5
            write_capacity_units = 5

        author = UnicodeAttribute(hash_key=True)
        posted = NumberAttribute(range_key=True)

    class ByStatus(GlobalSecondaryIndex):
        class Meta:
            index_name = "by_status"
            projection = KeysOnlyProjection()
            read_capacity_units = 5
            write_capacity_units = 5

        status = UnicodeAttribute(hash_key=True)

    class ByViews(LocalSecondaryIndex):
        class Meta:
            index_name = "by_views"
            projection = AllProjection()

        thread = UnicodeAttribute(hash_key=True)
        views = NumberAttribute(range_key=True)

    class Post(Model):
        class Meta:
            table_name = "pynamo_idx_" + uuid.uuid4().hex[:8]
            host = endpoint
            region = "us-east-1"
            aws_access_key_id = "trident"
            aws_secret_access_key = "trident"
            read_capacity_units = 50
            write_capacity_units = 50

        thread = UnicodeAttribute(hash_key=True)
        posted = NumberAttribute(range_key=True)
        author = UnicodeAttribute()
        body = UnicodeAttribute()
        views = NumberAttribute()
        status = UnicodeAttribute(null=True)
        by_author = ByAuthor()
        by_status = ByStatus()
        by_views = ByViews()

    return Post


def test_pynamodb_models_with_global_and_local_indexes(endpoint):
    Post = indexed_model_for(endpoint)
    Post.create_table(wait=True)
    try:
        for i in range(12):
            Post(thread=f"t{i % 2}", posted=i, author=f"a{i % 3}", body=f"post {i}", views=100 - i, status="hot" if i < 4 else None).save()
        by_author = list(Post.by_author.query("a1", Post.posted > 3))
        assert [p.posted for p in by_author] == [4, 7, 10]
        assert by_author[0].body == "post 4"
        assert sorted(p.posted for p in Post.by_status.query("hot")) == [0, 1, 2, 3]
        assert Post.by_status.count("hot") == 4
        assert [p.views for p in Post.by_views.query("t0", Post.views < 95)] == [90, 92, 94]
        assert [p.posted for p in Post.by_views.query("t1", scan_index_forward=False, limit=2)] == [1, 3]
        assert len(list(Post.by_author.scan())) == 12
        Post.get("t0", 0).update(actions=[Post.status.remove()])
        assert Post.by_status.count("hot") == 3
        description = Post.describe_table()
        assert {i["IndexName"] for i in description["GlobalSecondaryIndexes"]} == {"by_author", "by_status"}
        assert [i["IndexName"] for i in description["LocalSecondaryIndexes"]] == ["by_views"]
    finally:
        Post.delete_table()


def test_pynamodb_transactions(endpoint):
    from pynamodb.connection import Connection
    from pynamodb.exceptions import TransactWriteError
    from pynamodb.transactions import TransactGet, TransactWrite

    Message = model_for(endpoint)
    Message.create_table(wait=True)
    try:
        connection = Connection(host=endpoint, region="us-east-1", aws_access_key_id="trident", aws_secret_access_key="trident")
        Message(thread="t", posted=1, body="first", views=1).save()
        with TransactWrite(connection=connection) as transaction:
            transaction.save(Message(thread="t", posted=2, body="second"))
            transaction.update(Message(thread="t", posted=1), actions=[Message.views.add(1)], condition=Message.views == 1)
        assert Message.get("t", 1).views == 2 and Message.get("t", 2).body == "second"
        with pytest.raises(TransactWriteError) as e:
            with TransactWrite(connection=connection) as transaction:
                transaction.save(Message(thread="t", posted=3, body="third"))
                transaction.condition_check(Message, "t", 1, condition=Message.views == 1)
        assert e.value.cause_response_code == "TransactionCanceledException"
        # PynamoDB sends its condition checks first, and gives None for an action that would have gone through.
        assert [r.code if r else None for r in e.value.cancellation_reasons] == ["ConditionalCheckFailed", None]
        assert Message.count("t") == 2
        with TransactGet(connection=connection) as get:
            first, second = get.get(Message, "t", 1), get.get(Message, "t", 2)
        assert first.get().views == 2 and second.get().body == "second"
    finally:
        Message.delete_table()
