#!/usr/bin/env python3
"""Sum a callgrind profile of the bench harness: prints "<library> <libc>".

library: instructions of the library calls, less the harness's callbacks
(functions named bench_cb_*, with everything they call; callbacks must not
call each other); libc: the part of the library's instructions spent in
libc (its own mem* calls, not the callbacks'). Needs
callgrind's --dump-instr=yes: self costs are read per instruction address
and attributed with the binary's symbol table, so inlined code and line
tables do not matter.
"""
import re
import subprocess
import sys


def read(profile, in_binary):
    """(self cost per address, inclusive cost of the calls made by bench_cb_*,
    the part of it spent in functions outside the binary: libc)."""
    self_cost, harness_calls, harness_libc = {}, 0, 0
    names, current, callee = {}, "", ""
    last, in_call = 0, False

    def name_of(spec):
        m = re.match(r"\((\d+)\)(?: (.*))?", spec)
        if not m:
            return spec
        if m.group(2):
            names[m.group(1)] = m.group(2)
        return names.get(m.group(1), "")

    for raw in open(profile):
        line = raw.strip()
        if not line or line[0] == "#":
            continue
        if line.startswith("fn="):
            current = name_of(line[3:])
            continue
        if line.startswith("cfn="):
            callee = name_of(line[4:])
            continue
        if line.startswith("calls="):
            in_call = True
            continue
        head = line.split()[0]
        if "=" in head or line[0] not in "0123456789+-*":
            continue
        parts = line.split()
        tok = parts[0]
        if tok == "*":
            addr = last
        elif tok.startswith("0x"):
            addr = int(tok, 16)
        elif tok[0] in "+-":
            addr = last + int(tok)
        else:
            addr = int(tok)
        last = addr
        cost = int(parts[-1]) if len(parts) >= 3 else 0
        if in_call:
            in_call = False
            if current.startswith("bench_cb_"):
                harness_calls += cost
                if callee not in in_binary:
                    harness_libc += cost
            continue
        self_cost[addr] = self_cost.get(addr, 0) + cost
    return self_cost, harness_calls, harness_libc


def main():
    profile, binary = sys.argv[1], sys.argv[2]
    nm = subprocess.run(["nm", "--defined-only", "-n", "-S", binary],
                        capture_output=True, text=True, check=True).stdout
    cb, lo, hi, in_binary = [], None, 0, set()
    for line in nm.splitlines():
        m = re.match(r"([0-9a-f]+) ([0-9a-f]+) [tTwW] (\S+)", line)
        if not m:
            continue
        start, size, name = int(m.group(1), 16), int(m.group(2), 16), m.group(3)
        in_binary.add(name)
        lo = start if lo is None else min(lo, start)
        hi = max(hi, start + size)
        if name.startswith("bench_cb_"):
            cb.append((start, start + size))
    demangled = subprocess.run(["nm", "--defined-only", "-C", binary],
                               capture_output=True, text=True, check=True).stdout
    for line in demangled.splitlines():
        parts = line.split(" ", 2)
        if len(parts) == 3:
            in_binary.add(parts[2])
    self_cost, harness_calls, harness_libc = read(profile, in_binary)
    library = libc = 0
    for addr, cost in self_cost.items():
        if any(s <= addr < e for s, e in cb):
            continue
        library += cost
        if not lo <= addr < hi:
            libc += cost
    # What the callbacks called (their copies, libc's memcpy) is theirs.
    print(library - harness_calls, libc - harness_libc)


if __name__ == "__main__":
    main()
