#!/usr/bin/python3
"""Lists or extracts the managed resources embedded in a .NET assembly (PE file), without .NET.

    /usr/bin/python3 managed_resources.py ASSEMBLY.dll                 # index, size and first bytes of each resource
    /usr/bin/python3 managed_resources.py ASSEMBLY.dll --onnx OUT.onnx  # write the largest resource that is an ONNX model

The CLI header (data directory 14) points at the resources blob: consecutive entries of a uint32 length and the bytes,
each starting at an 8-byte boundary (ECMA-335 II.24.2.4 / how Roslyn writes them).
"""
import struct
import sys


def resources(data):
    pe = struct.unpack_from("<I", data, 0x3C)[0]
    if data[pe : pe + 4] != b"PE\0\0":
        raise SystemExit("not a PE file")
    n_sections, opt_size = struct.unpack_from("<H", data, pe + 6)[0], struct.unpack_from("<H", data, pe + 20)[0]
    opt = pe + 24
    magic = struct.unpack_from("<H", data, opt)[0]
    dirs = opt + (96 if magic == 0x10B else 112)
    cli_rva, _ = struct.unpack_from("<II", data, dirs + 14 * 8)
    sections = []
    for i in range(n_sections):
        s = opt + opt_size + 40 * i
        vsize, va, raw_size, raw_ptr = struct.unpack_from("<IIII", data, s + 8)
        sections.append((va, max(vsize, raw_size), raw_ptr))

    def offset(rva):
        for va, size, raw in sections:
            if va <= rva < va + size:
                return rva - va + raw
        raise SystemExit(f"RVA {rva:#x} is in no section")

    if cli_rva == 0:
        raise SystemExit("not a .NET assembly (no CLI header)")
    cli = offset(cli_rva)
    res_rva, res_size = struct.unpack_from("<II", data, cli + 24)
    base, pos, out = offset(res_rva), 0, []
    while pos + 4 <= res_size:
        n = struct.unpack_from("<I", data, base + pos)[0]
        out.append(data[base + pos + 4 : base + pos + 4 + n])
        pos = (pos + 4 + n + 7) & ~7
    return out


def main():
    data = open(sys.argv[1], "rb").read()
    found = resources(data)
    if len(sys.argv) == 2:
        for i, r in enumerate(found):
            print(i, len(r), r[:16])
        return
    # An ONNX ModelProto starts with field 1 (ir_version, varint): byte 0x08.
    onnx = [r for r in found if r[:1] == b"\x08"]
    if not onnx:
        raise SystemExit("no resource looks like an ONNX model")
    with open(sys.argv[3], "wb") as f:
        f.write(max(onnx, key=len))


if __name__ == "__main__":
    main()
