#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only OR MIT
"""Show that the C-level checker catches each known-bad edit of the core.

    verify/check/mutate.py [--cc CC] [--bound N] [--list] [MUTANT...]

For each mutant: copy the core (include/, src/), the check backend and the
scenarios into a scratch directory, apply one edit (it must match exactly
once), build gib-check from the copy, and run the one scenario that should
catch it, at that scenario's bound. The mutant must FAIL there, in a
deterministic exploration (no chance involved). Prints one line per mutant
with the checker's failure message; exit 0 if every mutant was caught, 1 if
one was not, 2 on bad usage or a build error.
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))

# name: (file, old text, new text, scenario, bound, what it re-introduces)
MUTANTS = {
    "a-set-iam-no-retry": (
        "include/libgib/gisa.h",
        "\t\tif (seen == raw)\n\t\t\treturn 0;\n\t\traw = seen;\n\t}\n}\n\n/**\n"
        " * gib_gisa_clear_ipm()",
        "\t\treturn 0;\t/* MUTANT: success after one failed CAS */\n\t}\n}\n\n/**\n"
        " * gib_gisa_clear_ipm()",
        "set-iam-push", 1,
        "gib_gisa_set_iam() reports success after one failed CAS"),
    "b-restore-no-retry": (
        "include/libgib/gisa.h",
        "gib_pf_cpu_to_be64(w | mask));\n\t\tif (seen == raw)\n\t\t\treturn 0;\n\t\traw = seen;",
        "gib_pf_cpu_to_be64(w | mask));\n\t\treturn 0;\t/* MUTANT */\n\t\traw = seen;",
        "restore-retry", 2,
        "the IAM restore reports success after one failed CAS"),
    "c-destroy-no-recheck": (
        "src/gisa_life.c",
        "\tgib_pf_synchronize();\n\tgisa_quiesce(gi, gisa);\n",
        "\tgib_pf_synchronize();\t/* MUTANT: no second check */\n",
        "destroy-wait", 2,
        "destroy's second check after the grace period (SPIN finding F4)"),
    "d-quiesce-cuts-marker": (
        "src/gisa_life.c",
        "\t\tif (gib_alert_list_origin(gi->host) & GIB_GISA_ADDR_MASK)\n"
        "\t\t\tgib_process_alert_list(gi->host);\n"
        "\t\telse\n",
        "\t\tgib_process_alert_list(gi->host);\t/* MUTANT: also on a marker */\n"
        "\t\tif (0)\n",
        "destroy-pushers", 1,
        "destroy's quiesce cuts the list while the origin holds a marker"),
    "e-restore-exact": (
        "include/libgib/gisa.h",
        "\t\tif (!(mask & ~(uint8_t)w))\n\t\t\treturn 0;",
        "\t\tif ((uint8_t)w == mask)\n\t\t\treturn 0;",
        "restore-aba", 2,
        "defect 1's old rule, IAM := mask (with the next edit)"),
    "e2-restore-exact-value": (
        "include/libgib/gisa.h",
        "gib_pf_cpu_to_be64(w | mask));",
        "gib_pf_cpu_to_be64((w & ~GIB_GISA_W_IAM) | mask));",
        None, 0, "part of e-restore-exact"),
    "f-claim-no-retry": (
        "include/libgib/machine_push.h",
        "\t\tif (seen == raw)\n\t\t\treturn GIB_MACHINE_CLAIMED;\n\t\traw = seen;",
        "\t\tif (seen == raw)\n\t\t\treturn GIB_MACHINE_CLAIMED;\n"
        "\t\treturn GIB_MACHINE_CLAIM_NOT_ARMED;\t/* MUTANT */",
        "set-iam-push", 1,
        "the machine's claim gives up after one failed CAS"),
    "g-link-no-retry": (
        "include/libgib/machine_push.h",
        "\t\tif (seen == old)\n\t\t\treturn old;\n\t\told = seen;",
        "\t\treturn seen;\t/* MUTANT: linked after one failed CAS */\n\t\told = seen;",
        "claim-link", 2,
        "the machine's link reports success after one failed CAS"),
    "h-v2-cut-store": (
        "src/alert_list.c",
        "\t\tseen = gib_pf_cmpxchg32(&gib->alert_list_origin, old,\n"
        "\t\t\t\t\tgib_pf_cpu_to_be32(GIB_NULL_GISA_ADDR));\n",
        "\t\tgib_pf_store32(&gib->alert_list_origin, gib_pf_cpu_to_be32(GIB_NULL_GISA_ADDR));\n"
        "\t\tseen = old;\t/* MUTANT: a plain store, no compare */\n",
        "v2-push-cut", 1,
        "the v2 cut (GIB_CUT_V2) stores NULL after its read without a CAS"),
    "i-clear-ipm-no-retry": (
        "include/libgib/gisa.h",
        "\t\tif (seen == raw)\n"
        "\t\t\treturn (int)((w & GIB_GISA_W_IPM) >> GIB_GISA_W_IPM_SHIFT);\n"
        "\t\traw = seen;",
        "\t\treturn (int)((w & GIB_GISA_W_IPM) >> GIB_GISA_W_IPM_SHIFT);"
        "\t/* MUTANT */\n\t\traw = seen;",
        "clear-ipm", 1,
        "gib_gisa_clear_ipm() reports success after one failed CAS"),
}
# Mutants applied together (one old rule spread over two edits).
GROUPS = {"e-restore-exact": ["e-restore-exact", "e2-restore-exact-value"]}


def copy_tree(dst):
    for d in ("include", "src", "platform/check", "verify/check"):
        shutil.copytree(os.path.join(TOP, d), os.path.join(dst, d))


def apply(dst, name):
    path, old, new = MUTANTS[name][:3]
    f = os.path.join(dst, path)
    with open(f) as fh:
        text = fh.read()
    n = text.count(old)
    if n != 1:
        sys.exit(f"mutate.py: mutant {name}: the edit matches {n} times in {path}, not once")
    with open(f, "w") as fh:
        fh.write(text.replace(old, new))


def build(dst, cc):
    srcs = [os.path.join(dst, "src", s) for s in sorted(os.listdir(os.path.join(dst, "src")))
            if s.endswith(".c")]
    srcs += [os.path.join(dst, "platform/check/src/explore.c"),
             os.path.join(dst, "verify/check/scenarios.c"),
             os.path.join(dst, "verify/check/main.c")]
    exe = os.path.join(dst, "gib-check")
    cmd = [cc, "-std=c11", "-D_GNU_SOURCE", "-O2", "-fno-strict-aliasing", "-w",
           "-I", os.path.join(dst, "include"),
           "-I", os.path.join(dst, "platform/check/include"),
           "-o", exe] + srcs
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode:
        sys.exit(f"mutate.py: build failed:\n{r.stderr}")
    return exe


def main():
    ap = argparse.ArgumentParser(description="mutants the C-level checker must catch")
    ap.add_argument("--cc", default=os.environ.get("CC", "cc"))
    ap.add_argument("--list", action="store_true")
    ap.add_argument("--bound", type=int, help="override each mutant's preemption bound")
    ap.add_argument("mutant", nargs="*")
    a = ap.parse_args()
    names = [n for n in MUTANTS if MUTANTS[n][3]]
    if a.list:
        for n in names:
            print(f"{n}: {MUTANTS[n][5]} (scenario {MUTANTS[n][3]})")
        return 0
    for n in a.mutant:
        if n not in names:
            print(f"mutate.py: no mutant {n}", file=sys.stderr)
            return 2
    caught = 0
    todo = a.mutant or names
    for n in todo:
        scenario, bound = MUTANTS[n][3], MUTANTS[n][4]
        if a.bound is not None:
            bound = a.bound
        with tempfile.TemporaryDirectory(prefix="gib-mutant-") as dst:
            copy_tree(dst)
            for m in GROUPS.get(n, [n]):
                apply(dst, m)
            exe = build(dst, a.cc)
            r = subprocess.run([exe, "--bound", str(bound), scenario],
                               capture_output=True, text=True)
        line = r.stdout.strip().splitlines()[-1] if r.stdout.strip() else ""
        if r.returncode == 1 and "FAILED" in line:
            caught += 1
            print(f"{n:24s} caught by {scenario} (bound {bound}): "
                  f"{line.split('FAILED: ', 1)[1]}")
        else:
            print(f"{n:24s} NOT caught by {scenario} (bound {bound}): {line or r.stderr}")
    print(f"{caught} of {len(todo)} mutants caught")
    return 0 if caught == len(todo) else 1


if __name__ == "__main__":
    sys.exit(main())
