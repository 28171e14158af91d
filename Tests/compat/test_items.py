"""PutItem, GetItem and DeleteItem: every attribute type round-trips exactly, numbers come back in
DynamoDB's normalized form, and invalid input gets DynamoDB's error code and message."""

import base64

import pytest
from botocore.exceptions import ClientError

from conftest import error_of


@pytest.fixture
def table(make_table):
    return make_table()


def put_get(ddb, table, attrs):
    item = {"id": {"S": "k"}, **attrs}
    ddb.put_item(TableName=table, Item=item)
    return ddb.get_item(TableName=table, Key={"id": {"S": "k"}}, ConsistentRead=True)["Item"]


def test_every_type_round_trips(ddb, table):
    attrs = {
        "s": {"S": "héllo \u2603 \"quoted\" \\ \n"},
        "empty_s": {"S": ""},
        "n": {"N": "-12.5"},
        "b": {"B": b"\x00\xff\x10binary"},
        "empty_b": {"B": b""},
        "t": {"BOOL": True},
        "f": {"BOOL": False},
        "z": {"NULL": True},
        "m": {"M": {"inner": {"L": [{"S": "x"}, {"N": "1"}, {"M": {}}, {"L": []}]}, "deep": {"M": {"k": {"BOOL": False}}}}},
        "l": {"L": [{"SS": ["a"]}, {"NULL": True}]},
        "ss": {"SS": ["b", "a", ""]},
        "ns": {"NS": ["3", "1.5", "-2"]},
        "bs": {"BS": [b"\x01", b"\x02\x03"]},
    }
    got = put_get(ddb, table, attrs)
    for name in ("s", "empty_s", "n", "b", "empty_b", "t", "f", "z", "m", "l"):
        assert got[name] == attrs[name], name
    assert sorted(got["ss"]["SS"]) == sorted(attrs["ss"]["SS"])
    assert sorted(got["ns"]["NS"]) == sorted(attrs["ns"]["NS"])
    assert sorted(got["bs"]["BS"]) == sorted(attrs["bs"]["BS"])


@pytest.mark.parametrize(
    "sent,returned",
    [
        ("1.50", "1.5"),
        ("0000012345678901234567890123456789012345678", "12345678901234567890123456789012345678"),
        ("-00001.23456789012345678901234567890123456780000", "-1.2345678901234567890123456789012345678"),
        ("-0015.789e6", "-15789000"),
        ("+5", "5"),
        ("-0", "0"),
        ("1e2", "100"),
        ("1.5E+3", "1500"),
        ("0.000100", "0.0001"),
        ("1E-130", "0." + "0" * 129 + "1"),
        ("9.9999999999999999999999999999999999999E+125", "9" * 38 + "0" * 88),
        ("12345678901234567890123456789012.123456", "12345678901234567890123456789012.123456"),
    ],
)
def test_numbers_normalized(ddb, table, sent, returned):
    assert put_get(ddb, table, {"n": {"N": sent}})["n"] == {"N": returned}


@pytest.mark.parametrize(
    "value,message",
    [
        ("", "The parameter cannot be converted to a numeric value"),
        ("abc", "The parameter cannot be converted to a numeric value: abc"),
        ("1.2.3", "The parameter cannot be converted to a numeric value: 1.2.3"),
        (" 5", "The parameter cannot be converted to a numeric value:  5"),
        ("Infinity", "The parameter cannot be converted to a numeric value: Infinity"),
        ("1e126", "Number overflow. Attempting to store a number with magnitude larger than supported range"),
        ("-1e126", "Number overflow. Attempting to store a number with magnitude larger than supported range"),
        ("1e-131", "Number underflow. Attempting to store a number with magnitude smaller than supported range"),
        ("123456789012345678901234567890123456789", "Attempting to store more than 38 significant digits in a Number"),
    ],
)
def test_invalid_numbers(ddb, table, value, message):
    with pytest.raises(ClientError) as e:
        ddb.put_item(TableName=table, Item={"id": {"S": "k"}, "n": {"N": value}})
    assert error_of(e) == ("ValidationException", message)


@pytest.mark.parametrize(
    "value,message",
    [
        ({}, "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"),
        ({"S": "a", "N": "1"}, "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes"),
        ({"NULL": False}, "One or more parameter values were invalid: Null attribute value types must have the value of true"),
        ({"SS": []}, "One or more parameter values were invalid: An string set  may not be empty"),
        ({"NS": []}, "One or more parameter values were invalid: An number set  may not be empty"),
        ({"BS": []}, "One or more parameter values were invalid: Binary sets should not be empty"),
        ({"SS": ["a", "a"]}, "One or more parameter values were invalid: Input collection [a, a] contains duplicates."),
        ({"NS": ["1", "1.0"]}, "Input collection contains duplicates"),
        ({"BS": [b"b", b"b"]}, "One or more parameter values were invalid: Input collection [Yg==, Yg==]of type BS contains duplicates."),
        ({"L": [{"M": {"x": {}}}]}, "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"),
    ],
)
def test_invalid_attribute_values(ddb, table, value, message):
    with pytest.raises(ClientError) as e:
        ddb.put_item(TableName=table, Item={"id": {"S": "k"}, "a": value})
    assert error_of(e) == ("ValidationException", message)


def test_nesting_limit(ddb, table):
    value = {"S": "leaf"}
    for _ in range(31):
        value = {"M": {"m": value}}
    put_get(ddb, table, {"deep": value})
    with pytest.raises(ClientError) as e:
        ddb.put_item(TableName=table, Item={"id": {"S": "k"}, "deep": {"M": {"m": value}}})
    assert error_of(e) == (
        "ValidationException",
        "Nesting Levels have exceeded supported limits: Attributes in the item have nested levels beyond supported limit",
    )


def test_key_validation_on_put(ddb, make_table):
    table = make_table(hash_key=("pk", "S"), range_key=("sk", "N"))
    cases = [
        ({"sk": {"N": "1"}}, "One or more parameter values were invalid: Missing the key pk in the item"),
        ({"pk": {"S": "a"}}, "One or more parameter values were invalid: Missing the key sk in the item"),
        ({"pk": {"N": "1"}, "sk": {"N": "1"}}, "One or more parameter values were invalid: Type mismatch for key pk expected: S actual: N"),
        ({"pk": {"S": "a"}, "sk": {"SS": ["1"]}}, "One or more parameter values were invalid: Type mismatch for key sk expected: N actual: SS"),
        (
            {"pk": {"S": ""}, "sk": {"N": "1"}},
            "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: pk",
        ),
        ({"pk": {"S": "x" * 2049}, "sk": {"N": "1"}}, "One or more parameter values were invalid: Size of hashkey has exceeded the maximum size limit of2048 bytes"),
    ]
    for item, message in cases:
        with pytest.raises(ClientError) as e:
            ddb.put_item(TableName=table, Item=item)
        assert error_of(e) == ("ValidationException", message), item


def test_long_keys_at_the_limits(ddb, make_table):
    table = make_table(hash_key=("pk", "S"), range_key=("sk", "B"))
    pk = "p" * 2048
    sks = [b"\x00" * 1024, b"\x00" * 1023 + b"\x01", b"\xff" * 1024, b"\x00" * 600]
    for i, sk in enumerate(sks):
        ddb.put_item(TableName=table, Item={"pk": {"S": pk}, "sk": {"B": sk}, "i": {"N": str(i)}})
    for i, sk in enumerate(sks):
        got = ddb.get_item(TableName=table, Key={"pk": {"S": pk}, "sk": {"B": sk}})["Item"]
        assert got["i"] == {"N": str(i)}
    with pytest.raises(ClientError) as e:
        ddb.put_item(TableName=table, Item={"pk": {"S": "a"}, "sk": {"B": b"\x00" * 1025}})
    assert error_of(e) == (
        "ValidationException",
        "One or more parameter values were invalid: Aggregated size of all range keys has exceeded the size limit of 1024 bytes",
    )


def test_get_and_delete_key_must_match_schema(ddb, make_table):
    table = make_table(hash_key=("pk", "S"), range_key=("sk", "N"))
    for key in ({"pk": {"S": "a"}}, {"pk": {"S": "a"}, "sk": {"S": "1"}}, {"pk": {"S": "a"}, "sk": {"N": "1"}, "x": {"S": "y"}}):
        for call in (ddb.get_item, ddb.delete_item):
            with pytest.raises(ClientError) as e:
                call(TableName=table, Key=key)
            assert error_of(e) == ("ValidationException", "The provided key element does not match the schema"), key


def test_item_size_limit_is_400_kb_inclusive(ddb, table):
    # id (2) + "k" (1) + name "b" (1) + value = 409600 bytes exactly.
    ddb.put_item(TableName=table, Item={"id": {"S": "k"}, "b": {"S": "x" * (409600 - 4)}})
    with pytest.raises(ClientError) as e:
        ddb.put_item(TableName=table, Item={"id": {"S": "k"}, "b": {"S": "x" * (409600 - 3)}})
    assert error_of(e) == ("ValidationException", "Item size has exceeded the maximum allowed size")


def test_missing_table_on_data_plane(ddb):
    for call, kwargs in (
        (ddb.put_item, {"Item": {"id": {"S": "a"}}}),
        (ddb.get_item, {"Key": {"id": {"S": "a"}}}),
        (ddb.delete_item, {"Key": {"id": {"S": "a"}}}),
    ):
        with pytest.raises(ClientError) as e:
            call(TableName="missing_table", **kwargs)
        assert error_of(e) == ("ResourceNotFoundException", "Requested resource not found")


def test_missing_parameters_and_table_name_constraints(ddb):
    with pytest.raises(ClientError) as e:
        ddb.get_item(TableName="ab")
    assert error_of(e) == (
        "ValidationException",
        "2 validation errors detected: Value null at 'key' failed to satisfy constraint: Member must not be null; "
        "Value 'ab' at 'tableName' failed to satisfy constraint: Member must have length greater than or equal to 3",
    )
    with pytest.raises(ClientError) as e:
        ddb.put_item(TableName="good_name", ReturnValues="SOMETIMES")
    assert error_of(e) == (
        "ValidationException",
        "2 validation errors detected: Value null at 'item' failed to satisfy constraint: Member must not be null; "
        "Value 'SOMETIMES' at 'returnValues' failed to satisfy constraint: Member must satisfy enum value set: [ALL_NEW, UPDATED_OLD, ALL_OLD, NONE, UPDATED_NEW]",
    )


def test_put_and_delete_return_values(ddb, table):
    assert "Attributes" not in ddb.put_item(TableName=table, Item={"id": {"S": "r"}, "v": {"N": "1"}}, ReturnValues="ALL_OLD")
    old = ddb.put_item(TableName=table, Item={"id": {"S": "r"}, "v": {"N": "2"}}, ReturnValues="ALL_OLD")["Attributes"]
    assert old == {"id": {"S": "r"}, "v": {"N": "1"}}
    with pytest.raises(ClientError) as e:
        ddb.put_item(TableName=table, Item={"id": {"S": "r"}}, ReturnValues="ALL_NEW")
    assert error_of(e) == ("ValidationException", "ReturnValues can only be ALL_OLD or NONE")
    with pytest.raises(ClientError) as e:
        ddb.delete_item(TableName=table, Key={"id": {"S": "r"}}, ReturnValues="UPDATED_NEW")
    assert error_of(e) == ("ValidationException", "ReturnValues can only be ALL_OLD or NONE")
    gone = ddb.delete_item(TableName=table, Key={"id": {"S": "r"}}, ReturnValues="ALL_OLD")["Attributes"]
    assert gone == {"id": {"S": "r"}, "v": {"N": "2"}}
    assert ddb.delete_item(TableName=table, Key={"id": {"S": "r"}}, ReturnValues="ALL_OLD") .get("Attributes") is None
    assert "Item" not in ddb.get_item(TableName=table, Key={"id": {"S": "r"}})


def test_attributes_to_get(ddb, table):
    ddb.put_item(TableName=table, Item={"id": {"S": "p"}, "a": {"S": "1"}, "b": {"S": "2"}, "c": {"S": "3"}})
    got = ddb.get_item(TableName=table, Key={"id": {"S": "p"}}, AttributesToGet=["a", "c", "zz"])["Item"]
    assert got == {"a": {"S": "1"}, "c": {"S": "3"}}
    with pytest.raises(ClientError) as e:
        ddb.get_item(TableName=table, Key={"id": {"S": "p"}}, AttributesToGet=["a", "a"])
    assert error_of(e) == ("ValidationException", "One or more parameter values were invalid: Duplicate value in attribute name: a")


def test_number_and_binary_keys(ddb, make_table):
    table = make_table(hash_key=("n", "N"), range_key=("b", "B"))
    ddb.put_item(TableName=table, Item={"n": {"N": "1.50"}, "b": {"B": b"\x00"}, "v": {"S": "x"}})
    # 1.5 and 1.50 are the same key.
    got = ddb.get_item(TableName=table, Key={"n": {"N": "1.5"}, "b": {"B": b"\x00"}})["Item"]
    assert got == {"n": {"N": "1.5"}, "b": {"B": b"\x00"}, "v": {"S": "x"}}


def test_item_count_and_size_track_writes(ddb, table):
    for i in range(5):
        ddb.put_item(TableName=table, Item={"id": {"S": f"i{i}"}, "v": {"S": "abc"}})
    ddb.put_item(TableName=table, Item={"id": {"S": "i0"}, "v": {"S": "abcdef"}})
    ddb.delete_item(TableName=table, Key={"id": {"S": "i4"}})
    d = ddb.describe_table(TableName=table)["Table"]
    assert d["ItemCount"] == 4
    # Each item: "id" (2) + "iN" (2) + "v" (1) + value.
    assert d["TableSizeBytes"] == 3 * (5 + 3) + (5 + 6)
