#!/usr/bin/env python3
"""Flash and RAM of a Cortex-M firmware ELF (examples/no_std's `firmware`):

    python3 .ci/firmware_size.py ELF [ENTRY]

Flash is what the image stores: code, read-only data (the baked weights) and the initial values
of writable data (`llvm-size`'s text + data). Static RAM is writable data and zeroed data
(data + bss). The stack is not in the ELF's sizes: the deepest call chain from ENTRY (default
`_start`) is read from the disassembly, each function's frame being its `push`, `vpush` and
`sub sp` (an upper bound: a tail call is counted as a call). Refuses (exits 1) when a call
chain reaches a function twice (recursion) or calls through a register outside the panic path,
where the bound would not hold.

Uses the rustup component llvm-tools (`rustup component add llvm-tools`), else `llvm-size` and
`llvm-objdump` on the PATH.
"""

import re
import shutil
import subprocess
import sys
from pathlib import Path


def tool(name):
    sysroot = subprocess.run(["rustc", "--print", "sysroot"], capture_output=True, text=True)
    for found in Path(sysroot.stdout.strip()).glob(f"lib/rustlib/*/bin/{name}"):
        return str(found)
    if shutil.which(name):
        return name
    sys.exit(f"{name} not found: rustup component add llvm-tools")


FUNCTION = re.compile(r"^([0-9a-f]+) <(.+)>:$")
CALL = re.compile(r"\s(bl|b\.w|b)\s+0x[0-9a-f]+ <([^>+]+)>")
PUSH = re.compile(r"\s(push|push\.w|vpush)\s+\{([^}]*)\}")
SUB_SP = re.compile(r"\ssub(?:\.w)?\s+sp,\s+(?:sp,\s+)?#(0x[0-9a-f]+|\d+)")
INDIRECT = re.compile(r"\sblx\s+r\d+")


def short(name):
    """A demangled name without its hash (for display: two instances of a generic function
    differ only by it)."""
    return re.sub(r"::h[0-9a-f]{16}$", "", name)


def frames(elf):
    """Each function's frame in bytes, the functions it calls, and whether it calls through a
    register."""
    text = subprocess.run([tool("llvm-objdump"), "-d", "-C", "--no-show-raw-insn", elf],
                          capture_output=True, text=True, check=True).stdout
    frame, calls, indirect = {}, {}, set()
    current = None
    for line in text.splitlines():
        m = FUNCTION.match(line)
        if m:
            name = m.group(2)
            if not name.startswith("$"):  # $t, $d: Thumb code / data mapping symbols
                current = name
                frame.setdefault(current, 0)
                calls.setdefault(current, set())
            continue
        if current is None:
            continue
        if m := PUSH.search(line):
            regs = [r for r in m.group(2).split(",") if r.strip()]
            frame[current] += len(regs) * (8 if m.group(1) == "vpush" else 4)
        elif m := SUB_SP.search(line):
            frame[current] += int(m.group(1), 0)
        elif m := CALL.search(line):
            if m.group(2) != current:
                calls[current].add(m.group(2))
        elif INDIRECT.search(line):
            indirect.add(current)
    return frame, calls, indirect


def deepest(entry, frame, calls, indirect):
    """The largest stack from `entry` down, and its chain."""
    memo = {}

    def depth(f, path):
        if f in path:
            sys.exit(f"recursion: {' -> '.join(path + [f])}: no stack bound")
        if f in memo:
            return memo[f]
        # Formatting a panic message calls through registers; a panic here never returns
        # (the firmware's handler loops), so its chain ends there.
        if f in indirect and "fmt" not in f and "panic" not in f:
            sys.exit(f"{f} calls through a register: no stack bound")
        best, chain = 0, []
        for g in calls.get(f, ()):
            d, c = depth(g, path + [f])
            if d > best:
                best, chain = d, c
        memo[f] = (frame.get(f, 0) + best, [f] + chain)
        return memo[f]

    return depth(entry, [])


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    elf = sys.argv[1]
    entry = sys.argv[2] if len(sys.argv) > 2 else "_start"
    out = subprocess.run([tool("llvm-size"), elf], capture_output=True, text=True, check=True)
    print(out.stdout.strip())
    text, data, bss = map(int, out.stdout.splitlines()[1].split()[:3])
    frame, calls, indirect = frames(elf)
    stack, chain = deepest(entry, frame, calls, indirect)
    print(f"flash {text + data} bytes ({(text + data) / 1e6:.2f} MB: code, read-only data and "
          f"initial data); static RAM {data + bss} bytes (data + bss); stack at most {stack} "
          f"bytes ({len(chain)} frames from {entry}: the deepest call chain in the disassembly)")
    print("deepest chain:", " -> ".join(map(short, chain)))
    for callee in sorted(calls.get(entry, ())):
        print(f"  stack under {short(callee)}: at most "
              f"{deepest(callee, frame, calls, indirect)[0]} bytes")


if __name__ == "__main__":
    main()
