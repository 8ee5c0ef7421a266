#!/usr/bin/env python3
"""Checks that every location in a bundled target's cascades.json still points at the
construct it names, and that the ground truth has the shape csnake is judged on.

For each cause and effect: the file exists, the line lies inside the named function
(found by its definition and brace matching), and the line holds the expected construct
(a loop statement for LOOP and effect loops, an `if` for ERROR_RETURN, an `if` guarding a
throw or a throw for THROW, the libc call for LIBCALL). With --gtest-binary, also checks
that every listed test exists. The target is the file's "target" (its C++ namespace and
its directory under targets/). Exit status 1 on any mismatch.

usage: check_cascades.py CASCADES_JSON [--gtest-binary PATH] [--allow-missing]
"""
import json
import os
import re
import subprocess
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
# What a target's ground truth must hold at least (issue 13: kinds of steps, traps).
REQUIRED = {"cycle": 3, "one-way": 2, "impossible-cycle": 1}
LIBCALLS = ("send", "recv", "read", "write", "pread", "pwrite", "connect", "accept", "accept4",
            "open", "fsync", "poll", "close", "rename")


def function_ranges(lines, qualname, namespace):
    """Line ranges (1-based, inclusive) of the bodies of `qualname` in `lines`."""
    parts = [p for p in qualname.split("::") if p != namespace]
    method = parts[-1]
    cls = parts[-2] if len(parts) > 1 else None
    starts = []
    class_seen = False
    for i, line in enumerate(lines):
        if cls and re.match(r"\s*(class|struct)\s+%s\b" % re.escape(cls), line) and not line.rstrip().endswith(";"):
            class_seen = True
        qualified = cls and re.search(r"\b%s::%s\s*\(" % (re.escape(cls), re.escape(method)), line)
        in_class = class_seen and re.match(r"\s+[\w:<>&*\s]*?\b%s\s*\(" % re.escape(method), line)
        free = not cls and re.match(r"[\w:<>&*\s]*?\b%s\s*\(" % re.escape(method), line)
        if (qualified or in_class or free) and not line.rstrip().endswith(";"):
            starts.append(i)
    ranges = []
    for start in starts:
        depth = 0
        opened = False
        for j in range(start, len(lines)):
            code = re.sub(r'"(\\.|[^"\\])*"', '""', lines[j])
            code = re.sub(r"'(\\.|[^'\\])'", "''", code)
            code = code.split("//")[0]
            for ch in code:
                if ch == "{":
                    depth += 1
                    opened = True
                elif ch == "}":
                    depth -= 1
            if opened and depth == 0:
                ranges.append((start + 1, j + 1))
                break
            if not opened and code.rstrip().endswith(";"):
                break
    return ranges


def check_construct(kind, text, following, injection):
    stripped = text.strip()
    if kind == "LOOP":
        return re.match(r"(for|while)\s*\(|do\s*\{", stripped) is not None
    if kind == "ERROR_RETURN":
        return re.match(r"(\}\s*else\s+)?if\s*\(", stripped) is not None
    if kind == "THROW":
        if "throw" in stripped:
            return True
        return re.match(r"if\s*\(", stripped) is not None and any("throw" in l for l in following[:4])
    if kind == "LIBCALL":
        name = injection.split(":")[0] if injection and not injection.startswith("libcall") else None
        names = [name] if name else list(LIBCALLS)
        return any(re.search(r"::%s\s*\(" % n, stripped) for n in names)
    return False


def check_location(errors, where, loc, kind, namespace):
    path = os.path.join(ROOT, loc["file"])
    if not os.path.isfile(path):
        errors.append("%s: no such file %s" % (where, loc["file"]))
        return
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    line = loc["line"]
    if not 1 <= line <= len(lines):
        errors.append("%s: line %d outside %s" % (where, line, loc["file"]))
        return
    text = lines[line - 1]
    if not check_construct(kind, text, lines[line:], loc.get("injection", "")):
        errors.append("%s: %s:%d is not a %s site: %r" % (where, loc["file"], line, kind, text.strip()))
    if not any(a <= line <= b for a, b in function_ranges(lines, loc["function"], namespace)):
        errors.append("%s: %s:%d is not inside %s" % (where, loc["file"], line, loc["function"]))


def check_reproduce(errors, where, step):
    """The optional "reproduce" object: how tests/e2e/documented_steps_test.cpp injects the
    step with `csnake exec` when its defaults (first test, first opportunity) do not show it."""
    how = step.get("reproduce")
    if how is None:
        return
    if not isinstance(how, dict) or set(how) - {"test", "skip", "delay_ms", "why"}:
        errors.append("%s: reproduce takes test, skip, delay_ms and why" % where)
        return
    # The reproduce test may be another test of the target where the step shows more
    # reliably than in the campaign's tests (it only has to be named and explained).
    if "test" in how and (not isinstance(how["test"], str) or not how["test"]):
        errors.append("%s: reproduce test must be a test name" % where)
    for key in ("skip", "delay_ms"):
        if key in how and (not isinstance(how[key], int) or how[key] < 0):
            errors.append("%s: reproduce %s must be a non-negative integer" % (where, key))
    if not how.get("why"):
        errors.append("%s: reproduce without why" % where)


def list_tests(binary):
    out = subprocess.run([binary, "--gtest_list_tests"], check=True, capture_output=True, text=True).stdout
    tests, suite = set(), None
    for raw in out.splitlines():
        if not raw.strip():
            continue
        if not raw.startswith(" "):
            suite = raw.split("#")[0].strip()
        else:
            tests.add(suite + raw.split("#")[0].strip())
    return tests


def main(argv):
    if len(argv) < 2:
        print(__doc__)
        return 2
    with open(argv[1], encoding="utf-8") as f:
        doc = json.load(f)
    known_tests = None
    if "--gtest-binary" in argv:
        known_tests = list_tests(argv[argv.index("--gtest-binary") + 1])
    errors = []
    kinds = {"cycle": 0, "one-way": 0, "impossible-cycle": 0, "bounded-retry": 0}
    target = doc.get("target", "")
    if not target or os.path.dirname(os.path.abspath(argv[1])) != os.path.join(ROOT, "targets", target):
        errors.append("target %r does not name the directory of %s" % (target, argv[1]))
    for cascade in doc["cascades"]:
        cid = cascade["id"]
        if cascade["type"] not in kinds:
            errors.append("%s: unknown type %s" % (cid, cascade["type"]))
            continue
        kinds[cascade["type"]] += 1
        if cascade["type"] == "impossible-cycle" and not cascade.get("condition"):
            errors.append("%s: impossible cycle without condition" % cid)
        for n, step in enumerate(cascade["steps"]):
            where = "%s step %d" % (cid, n + 1)
            cause = step["cause"]
            check_location(errors, where + " cause", cause, cause["kind"], target)
            if "context" in cause:
                check_location(errors, where + " context", cause["context"], "LOOP", target)
            check_location(errors, where + " effect", step["effect"]["loop"], "LOOP", target)
            if step["effect"]["type"] not in ("E", "S+"):
                errors.append("%s: effect type %s" % (where, step["effect"]["type"]))
            if not step.get("tests"):
                errors.append("%s: no tests" % where)
            for t in step.get("tests", []):
                if known_tests is not None and t not in known_tests:
                    errors.append("%s: unknown test %s" % (where, t))
            check_reproduce(errors, where, step)
        # Consecutive steps must chain: each step's effect loop is the next step's context.
        steps = cascade["steps"]
        closes = cascade["type"] in ("cycle", "impossible-cycle")
        chain = steps + ([steps[0]] if closes else [])
        for a, b in zip(chain, chain[1:]):
            ctx = b["cause"].get("context", b["cause"]) if b["cause"]["kind"] != "LOOP" else b["cause"]
            eff = a["effect"]["loop"]
            if (ctx["file"], ctx["line"]) != (eff["file"], eff["line"]):
                errors.append("%s: effect loop %s:%d does not feed the next fault's loop %s:%d"
                              % (cid, eff["file"], eff["line"], ctx["file"], ctx["line"]))
    missing = {k: n for k, n in REQUIRED.items() if kinds[k] < n}
    if missing and "--allow-missing" not in argv:
        errors.append("need at least %s; has %s" % (REQUIRED, kinds))
    elif missing:
        print("NOTE: fewer than required (allowed by --allow-missing): %s" % missing)
    for e in errors:
        print("ERROR:", e)
    print("%d cascades checked, %d errors" % (len(doc["cascades"]), len(errors)))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
