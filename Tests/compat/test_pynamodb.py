"""PynamoDB 6 end to end: create a table from a model, save, get, update with actions, a conditional
save that fails, range-key queries, scan, batch write, count and delete."""

import uuid

import pytest
from pynamodb.attributes import ListAttribute, MapAttribute, NumberAttribute, UnicodeAttribute, UnicodeSetAttribute
from pynamodb.exceptions import PutError
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
