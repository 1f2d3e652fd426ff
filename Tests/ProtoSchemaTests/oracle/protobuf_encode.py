"""protobuf's own JSON mapping, the oracle ProtoSchemaTests compare against.

Usage: protobuf_encode.py DESCRIPTOR_SET < cases.json > results.json
cases.json is a list of {"type": "pkg.Message", "json": "<JSON text>"}; each result is
{"hex": "<bytes>"} from json_format.Parse and SerializeToString(deterministic=True) (fields in
number order, map entries sorted by key), or {"error": "<protobuf's words>"}.
Needs python3-protobuf (Debian's, run with /usr/bin/python3).
"""
import json
import sys

from google.protobuf import descriptor_pb2, descriptor_pool, json_format, message_factory


def main():
    with open(sys.argv[1], "rb") as file:
        files = descriptor_pb2.FileDescriptorSet.FromString(file.read())
    pool = descriptor_pool.DescriptorPool()
    for proto in files.file:
        pool.Add(proto)
    factory = message_factory.MessageFactory(pool)
    results = []
    for case in json.load(sys.stdin):
        try:
            message = factory.GetPrototype(pool.FindMessageTypeByName(case["type"]))()
            json_format.Parse(case["json"], message, descriptor_pool=pool)
            results.append({"hex": message.SerializeToString(deterministic=True).hex()})
        except Exception as error:  # the test shows protobuf's words when it disagrees
            results.append({"error": f"{type(error).__name__}: {error}"})
    json.dump(results, sys.stdout)


main()
