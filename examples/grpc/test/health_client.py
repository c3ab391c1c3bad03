"""An independent grpc.health.v1 client: Python's grpcio (gRPC C-core, Debian's python3-grpcio),
with hand-written protobuf bytes so it needs no generated code. Prints one JSON object per line.

usage: health_client.py ADDRESS check SERVICE | list | watch SERVICE
"""
import json
import sys
import time

import grpc

NAMES = {0: "UNKNOWN", 1: "SERVING", 2: "NOT_SERVING", 3: "SERVICE_UNKNOWN"}


def varint(n):
    out = bytearray()
    while n > 0x7F:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


def read_varint(buf, at):
    value, shift = 0, 0
    while True:
        byte = buf[at]
        at += 1
        value |= (byte & 0x7F) << shift
        if byte < 0x80:
            return value, at
        shift += 7


def fields(buf):
    at = 0
    while at < len(buf):
        tag, at = read_varint(buf, at)
        wire = tag & 7
        if wire == 0:
            value, at = read_varint(buf, at)
        elif wire == 2:
            length, at = read_varint(buf, at)
            value, at = buf[at : at + length], at + length
        else:
            raise ValueError("unexpected wire type %d" % wire)
        yield tag >> 3, value


def encode_request(service):
    data = service.encode("utf-8")
    return b"" if not data else b"\x0a" + varint(len(data)) + data


def decode_status(buf):
    status = 0
    for number, value in fields(buf):
        if number == 1:
            status = value
    return NAMES.get(status, str(status))


def decode_list(buf):
    statuses = {}
    for number, entry in fields(buf):
        if number != 1:
            continue
        key, status = "", "UNKNOWN"
        for n, v in fields(entry):
            if n == 1:
                key = v.decode("utf-8")
            elif n == 2:
                status = decode_status(v)
        statuses[key] = status
    return statuses


def emit(obj):
    print(json.dumps(obj), flush=True)


def main():
    address, mode = sys.argv[1], sys.argv[2]
    channel = grpc.insecure_channel(address)
    if mode == "check":
        check = channel.unary_unary(
            "/grpc.health.v1.Health/Check",
            request_serializer=encode_request,
            response_deserializer=decode_status,
        )
        try:
            emit({"status": check(sys.argv[3], timeout=5)})
        except grpc.RpcError as error:
            emit({"code": error.code().name})
    elif mode == "list":
        call = channel.unary_unary(
            "/grpc.health.v1.Health/List",
            request_serializer=lambda _: b"",
            response_deserializer=decode_list,
        )
        emit({"statuses": call(None, timeout=5)})
    elif mode == "watch":
        watch = channel.unary_stream(
            "/grpc.health.v1.Health/Watch",
            request_serializer=encode_request,
            response_deserializer=decode_status,
        )
        stream = watch(sys.argv[3], timeout=60)
        try:
            for status in stream:
                emit({"status": status, "at": time.time() * 1000})
            emit({"ended": stream.code().name})
        except grpc.RpcError as error:
            emit({"ended": error.code().name})
    channel.close()


if __name__ == "__main__":
    main()
