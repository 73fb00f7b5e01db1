#!/usr/bin/env python3
"""The benchmark suite of issue 8: every figure, its aim and its ratio, in one table.

bench/run.sh builds the Release binaries and calls this script; run it directly
only with a build that has them:

    python3 bench/report.py --build build-bench [--markdown FILE] [--only NAME,...]

Everything is measured in this one run, side by side, on this machine:

  parse      parse + check MB/s of a large generated runbook (bench_parse_check)
  check      wall time of `runbook check runbooks/*.rb` (a fresh process each time)
  journal    journaled steps/s against a bare SQLite commit loop on the same
             disk, and resume load with 100,000 events (bench_journal_bench)
  simulate   virtual seconds per wall second of the shipped rollout (bench_simulate_bench)
  startup    shared libraries `runbook check` loads, `runbook --version` wall,
             and `ansible-playbook --syntax-check` against `runbook check` of
             the 200-step procedure of `ansible` (median of 5 and of 15)
  detect     detection to rollback against runbook-sandbox: the fault injected
             (a sustained breach from that moment) to the first rollback
             request in the sandbox's request log
  memory     peak RSS of `runbook run` watching a metric for 1,000 and for
             10,000 samples against runbook-sandbox: it must stay flat
  ansible    the same 200-step procedure of HTTP checks and POSTs as an Ansible
             playbook (`uri` tasks) and as a runbook, both run for real against
             runbook-sandbox; and --check against `runbook plan`

Journals, playbooks and sandbox state live in a temporary folder inside the
build directory (the real disk, not /tmp, which may be a RAM disk).
"""

import argparse
import glob
import json
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import datetime, timezone

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TOKEN = "bench-token"


def log(text):
    """Progress goes to stderr so stdout holds only the table."""
    print(text, file=sys.stderr, flush=True)


# --- running things ---------------------------------------------------------

class Finished:
    def __init__(self, seconds, code, stdout, stderr):
        self.seconds = seconds
        self.code = code
        self.stdout = stdout
        self.stderr = stderr


def run(cmd, env=None, cwd=ROOT, check=True, stdout_lines=None):
    """Runs cmd, returning its wall time and exit status. stdout_lines, if given, is called with every line of
    stdout as it comes instead of keeping the output (a long run's output
    would otherwise be held here)."""
    full_env = dict(os.environ)
    full_env.update(env or {})
    with tempfile.TemporaryFile(mode="w+") as err_file:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, env=full_env, stdout=subprocess.PIPE, stderr=err_file, text=True)
        out = ""
        if stdout_lines:
            for line in proc.stdout:
                stdout_lines(line)
        else:
            out = proc.stdout.read()
        _, status = os.waitpid(proc.pid, 0)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        proc.stdout.close()
        err_file.seek(0)
        err = err_file.read()
    if check and proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {proc.returncode}:\n{out[-2000:]}\n{err[-2000:]}")
    return Finished(seconds, proc.returncode, out, err)


def timed(cmd, repeats, **kwargs):
    """Median and best wall time of `repeats` runs of cmd, in seconds."""
    times = [run(cmd, **kwargs).seconds for _ in range(repeats)]
    return statistics.median(times), min(times)


def results_of(output):
    """The `RESULT name value` lines a bench_* program prints."""
    found = {}
    for line in output.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[0] == "RESULT":
            found[parts[1]] = float(parts[2])
    return found


# --- runbook-sandbox ---------------------------------------------------------

class Sandbox:
    """runbook-sandbox on a free loopback port; stopped by stop() or on exit."""

    def __init__(self, binary, work):
        env = dict(os.environ, RUNBOOK_SANDBOX_TOKEN=TOKEN)
        self.proc = subprocess.Popen([binary, "--port", "0", "--state", os.path.join(work, "sandbox.json")],
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
        line = self.proc.stdout.readline()
        found = re.search(r"http://127\.0\.0\.1:\d+", line)
        if not found:
            self.stop()
            raise RuntimeError(f"runbook-sandbox did not start: {line!r}")
        self.url = found.group(0)

    def call(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.url + path, data=data, method=method)
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read() or b"null")

    def reset(self):
        self.call("POST", "/sandbox/reset")

    def requests(self, prefix=""):
        return self.call("GET", "/sandbox/requests" + (f"?path={prefix}" if prefix else ""))["requests"]

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


# --- the measurements --------------------------------------------------------

class Table:
    def __init__(self):
        self.rows = []

    def add(self, figure, measured, aim="", ratio="", met=None):
        verdict = "" if met is None else ("yes" if met else "**no**")
        self.rows.append((figure, measured, aim, ratio, verdict))
        log(f"  {figure}: {measured}  [{aim}] {ratio} {verdict}")

    def markdown(self):
        lines = ["| figure | measured | aim | ratio | aim met |", "| --- | --- | --- | --- | --- |"]
        lines += ["| " + " | ".join(row) + " |" for row in self.rows]
        return "\n".join(lines)

    def text(self):
        head = ("figure", "measured", "aim", "ratio", "met")
        rows = [head] + [tuple(cell.replace("**", "") for cell in row) for row in self.rows]
        widths = [max(len(row[i]) for row in rows) for i in range(5)]
        out = []
        for n, row in enumerate(rows):
            out.append("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip())
            if n == 0:
                out.append("  ".join("-" * w for w in widths))
        return "\n".join(out)


def ms(seconds):
    return f"{seconds * 1000:.1f} ms"


def measure_parse(b, table):
    log("parse + check throughput (bench_parse_check, 8 MB generated runbook) ...")
    out = run([b.bench("parse_check"), "8"]).stdout
    r = results_of(out)
    table.add("parse + check, 8 MB generated runbook", f"{r['parse_check_mb_s']:.1f} MB/s "
              f"(parse alone {r['parse_mb_s']:.1f} MB/s)", ">= 20 MB/s", f"{r['parse_check_mb_s'] / 20:.2f}× the aim",
              r["parse_check_mb_s"] >= 20)


def measure_check(b, table):
    log("runbook check runbooks/*.rb ...")
    files = sorted(glob.glob(os.path.join(ROOT, "runbooks", "*.rb")))
    median, best = timed([b.runbook, "check", *files], 15)
    start_median, _ = timed([b.runbook, "--version"], 15)
    table.add(f"`runbook check runbooks/*.rb` ({len(files)} files), wall", f"{ms(median)} median, {ms(best)} best",
              "", f"of which process start-up {ms(start_median)} (`runbook --version`)")


def measure_journal(b, table, work):
    log("journal: bare commit loop vs journaled steps, resume with 100,000 events (about a minute) ...")
    out = run([b.bench("journal_bench"), "--seconds", "2", "--repeats", "3", "--dir", work]).stdout
    r = results_of(out)
    fs = re.search(r"\(([^)]*)\), SQLite", out)
    table.add(f"bare SQLite commit loop (WAL, synchronous=FULL, {fs.group(1) if fs else 'disk'})",
              f"{r['bare_commits_per_s']:.0f} commits/s ({r['bare_ms_per_commit']:.2f} ms a commit)",
              "the disk's limit")
    ratio = r["steps_per_s"] / r["bare_commits_per_s"]
    table.add("journaled no-op steps (start + end record)", f"{r['steps_per_s']:.0f} steps/s", ">= 0.50 of the commit rate",
              f"{ratio:.2f}", ratio >= 0.5 - 0.005)
    table.add("resume load, 100,000 journaled events", f"{r['resume_ms']:.1f} ms wall ({r['resume_cpu_ms']:.1f} ms CPU)",
              "< 100 ms", f"{100 / r['resume_ms']:.1f}× under the aim" if r["resume_ms"] < 100 else "",
              r["resume_ms"] < 100)


def measure_simulate(b, table):
    log("simulation of the shipped rollout (bench_simulate_bench) ...")
    out = run([b.bench("simulate_bench"), "10"]).stdout
    r = results_of(out)
    speed = r["healthy_virtual_per_wall"]
    table.add(f"simulate runbooks/rollout.rb ({r['healthy_virtual_h']:.1f} virtual h)",
              f"{speed:,.0f}× real time ({r['healthy_median_ms']:.0f} ms median)", "> 100,000×",
              f"{speed / 100000:.2f}× the aim", speed > 100000)


DETECT_RUNBOOK = """runbook "Detection to rollback (bench)"

param lb: string
secret lb_token = env("LB_ADMIN_TOKEN")

metric green_errors = http get "${lb}/api/metrics/error-rate?environment=green" json ".value" unit % timeout 2s

trigger green_breach "Green error rate above 5%" when green_errors > 5% severity P0 every 1s -> rollback emergency

phase "Shift" {
  http post "${lb}/api/traffic" header "Authorization" = "Bearer ${lb_token}"
       body {"environment": "green", "percentage": 25} expect status 200
}

phase "Canary" arms all {
  wait 30s
}

rollback emergency {
  http post "${lb}/api/traffic" header "Authorization" = "Bearer ${lb_token}"
       body {"environment": "blue", "percentage": 100} expect status 200
}
"""


def wait_for(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = predicate()
        if found:
            return found
        time.sleep(0.005)
    raise RuntimeError(f"timed out waiting for {what}")


def measure_detection(b, table, sandbox, work, trials=5):
    log(f"detection to rollback against runbook-sandbox ({trials} trials) ...")
    path = os.path.join(work, "detect.rb")
    with open(path, "w") as f:
        f.write(DETECT_RUNBOOK)
    env = dict(os.environ, LB_ADMIN_TOKEN=TOKEN)
    latencies = []
    for trial in range(trials):
        sandbox.reset()
        proc = subprocess.Popen([b.runbook, "run", path, "-p", f"lb={sandbox.url}", "--yes", "--journal",
                                 os.path.join(work, f"detect-{trial}.db")], cwd=work, env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait_for(lambda: any(r["body"] == {"environment": "green", "percentage": 25}
                                 for r in sandbox.requests("/api/traffic")), 10, "the canary")
            # Land the fault anywhere in the 1 s sampling period.
            time.sleep(0.3 + random.random())
            sandbox.call("POST", "/sandbox/faults", {"green": {"error_rate": 30.0}})
            injected = [r for r in sandbox.requests("/sandbox/faults")][-1]["time_ms"]
            rollback = wait_for(lambda: [r for r in sandbox.requests("/api/traffic")
                                         if r["body"] == {"environment": "blue", "percentage": 100}], 10, "the rollback")
            latencies.append(rollback[0]["time_ms"] - injected)
            code = proc.wait(15)
            if code != 3:
                raise RuntimeError(f"the detection run exited {code}, not 3 (rolled back)")
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    sandbox.call("DELETE", "/sandbox/faults")
    worst = max(latencies)
    table.add("detection to rollback (fault injected to first rollback request), sampled every 1 s",
              f"median {statistics.median(latencies):.0f} ms, worst {worst:.0f} ms of {trials}",
              "<= 1 sample + 100 ms = 1100 ms", f"{1100 - worst:.0f} ms to spare" if worst <= 1100 else "",
              worst <= 1100)


MEMORY_RUNBOOK = """runbook "Samples for the memory benchmark"

param lb: string
param window: duration

metric green_errors = http get "${lb}/api/metrics/error-rate?environment=green" json ".value" unit %

phase "Watch" {
  watch window every 1s {
    green_errors < 5%
  }
}
"""


def measure_memory(b, table, sandbox, work):
    path = os.path.join(work, "samples.rb")
    with open(path, "w") as f:
        f.write(MEMORY_RUNBOOK)
    sandbox.reset()
    figures = {}
    # Virtual time runs 250x faster: a 1 s sample every 4 ms of wall time,
    # each a real HTTP request to the sandbox and a real evaluation.
    scale = 250
    for samples in (1000, 10000):
        log(f"peak RSS of a run taking {samples} samples (--time-scale {scale}) ...")
        count = [0]

        def on_line(line):
            if '"kind":"sample"' in line:
                count[0] += 1
        # GNU time reports the peak RSS of runbook itself; wait4's figure
        # here would include the Python process that forked it.
        rss_file = os.path.join(work, f"rss-{samples}")
        done = run(["/usr/bin/time", "-f", "%M", "-o", rss_file, b.runbook, "run", path, "-p", f"lb={sandbox.url}",
                    "-p", f"window={samples}s", "--yes", "--time-scale", str(scale), "--output", "json",
                    "--journal", os.path.join(work, f"samples-{samples}.db")], cwd=work, stdout_lines=on_line)
        with open(rss_file) as f:
            max_rss_kb = int(f.read().split()[-1])
        figures[samples] = (max_rss_kb / 1024, count[0], done.seconds)
    (rss1, n1, s1), (rss10, n10, s10) = figures[1000], figures[10000]
    growth = rss10 - rss1
    table.add("peak RSS of `runbook run`, 1,000 vs 10,000 samples", f"{rss1:.1f} MB ({n1} samples, {s1:.1f} s) vs "
              f"{rss10:.1f} MB ({n10} samples, {s10:.1f} s)", "flat, < 20 MB", f"{growth:+.1f} MB for 10× the samples",
              rss10 < 20 and growth < 1.0)


def procedure(checks_per_post, waves):
    """The 200-step procedure, as (kind, argument) pairs: each wave routes
    some traffic (a POST) then checks health `checks_per_post` times."""
    steps = []
    for wave in range(waves):
        steps.append(("post", (wave * 7) % 100 + 1))
        for check in range(checks_per_post):
            steps.append(("get", "/health" if check % 2 == 0 else "/api/metrics/error-rate"))
    return steps


def procedure_runbook(steps):
    out = ['runbook "200 HTTP checks and POSTs (bench, equivalent to procedure.yml)"', "",
           "param lb: string", 'secret lb_token = env("LB_ADMIN_TOKEN")', "", 'phase "Procedure" {']
    for kind, arg in steps:
        if kind == "post":
            out.append('  http post "${lb}/api/traffic" header "Authorization" = "Bearer ${lb_token}"')
            out.append(f'       body {{"environment": "green", "percentage": {arg}}} expect status 200')
        elif arg == "/health":
            out.append('  http get "${lb}/health" expect status 200, json ".status" == "healthy"')
        else:
            out.append(f'  http get "${{lb}}{arg}" expect status 200')
    out.append("}")
    return "\n".join(out) + "\n"


def procedure_playbook(steps):
    out = ["- name: 200 HTTP checks and POSTs (bench, equivalent to procedure.rb)", "  hosts: localhost",
           "  connection: local", "  gather_facts: false", "  vars:", "    lb: \"{{ lookup('env', 'LB_URL') }}\"",
           "    lb_token: \"{{ lookup('env', 'LB_ADMIN_TOKEN') }}\"", "  tasks:"]
    for n, (kind, arg) in enumerate(steps, 1):
        if kind == "post":
            out += [f"    - name: step {n} route {arg}% to green", "      ansible.builtin.uri:",
                    "        url: \"{{ lb }}/api/traffic\"", "        method: POST",
                    "        headers:", "          Authorization: \"Bearer {{ lb_token }}\"",
                    "        body_format: json", f"        body: {{environment: green, percentage: {arg}}}",
                    "        status_code: 200"]
        elif arg == "/health":
            out += [f"    - name: step {n} check health", "      ansible.builtin.uri:",
                    "        url: \"{{ lb }}/health\"", "        status_code: 200", f"      register: health_{n}",
                    f"      failed_when: health_{n}.status != 200 or health_{n}.json.status != 'healthy'"]
        else:
            out += [f"    - name: step {n} read {arg}", "      ansible.builtin.uri:",
                    f"        url: \"{{{{ lb }}}}{arg}\"", "        status_code: 200"]
    return "\n".join(out) + "\n"


class Procedure:
    """The 200-step procedure written as a runbook and as a playbook, and the
    environment Ansible runs in (kept inside `work`)."""

    def __init__(self, work, lb_url):
        self.ansible = shutil.which("ansible-playbook")
        self.steps = procedure(checks_per_post=3, waves=50)
        assert len(self.steps) == 200
        self.posts = sum(1 for kind, _ in self.steps if kind == "post")
        self.rb = os.path.join(work, "procedure.rb")
        self.yml = os.path.join(work, "procedure.yml")
        with open(self.rb, "w") as f:
            f.write(procedure_runbook(self.steps))
        with open(self.yml, "w") as f:
            f.write(procedure_playbook(self.steps))
        ansible_home = os.path.join(work, "ansible")
        os.makedirs(ansible_home, exist_ok=True)
        self.env = {"LB_URL": lb_url, "LB_ADMIN_TOKEN": TOKEN, "ANSIBLE_HOME": ansible_home,
                    "ANSIBLE_LOCAL_TEMP": os.path.join(ansible_home, "tmp"), "ANSIBLE_LOCALHOST_WARNING": "false",
                    "ANSIBLE_INVENTORY_UNPARSED_WARNING": "false", "ANSIBLE_PYTHON_INTERPRETER": sys.executable,
                    "ANSIBLE_NOCOLOR": "1", "ANSIBLE_RETRY_FILES_ENABLED": "false"}
        self.play = [self.ansible, "-i", "localhost,", self.yml]


def shared_libraries_loaded(command):
    """The shared objects the dynamic loader initialises for `command`."""
    done = run(command, env={"LD_DEBUG": "libs"})
    return [line.split("calling init:", 1)[1].strip() for line in done.stderr.splitlines() if "calling init:" in line]


def measure_startup(b, table, work):
    """Start-up: what a command that makes no request pays before it works
    (issue 17), and `ansible-playbook --syntax-check` against `runbook check`."""
    rb = os.path.join(ROOT, "runbooks", "rollout.rb")
    libraries = shared_libraries_loaded([b.runbook, "check", rb])
    network = [lib for lib in libraries if "libcurl" in lib or "libssl" in lib]
    version_median, _ = timed([b.runbook, "--version"], 15)
    table.add("`runbook check` start-up: shared libraries initialised, `runbook --version` wall",
              f"{len(libraries)} libraries, {ms(version_median)}", "no libcurl, no OpenSSL",
              ", ".join(os.path.basename(lib) for lib in network) or "neither", not network)
    p = Procedure(work, "http://127.0.0.1:9")
    if not p.ansible:
        table.add("Ansible comparison", "ansible-playbook not installed (scripts/setup.sh installs ansible-core)")
        return
    version = run([p.ansible, "--version"]).stdout.splitlines()[0]
    log(f"Ansible: {version}; --syntax-check vs runbook check ...")
    syntax_median, _ = timed(p.play[:-1] + ["--syntax-check", p.yml], 5, env=p.env)
    check_median, _ = timed([b.runbook, "check", p.rb], 15, env=p.env)
    ratio = syntax_median / check_median
    table.add("`ansible-playbook --syntax-check` vs `runbook check`, 200-step procedure",
              f"{ms(syntax_median)} vs {ms(check_median)}", ">= 100× faster", f"{ratio:.0f}×", ratio >= 100)


def measure_ansible(b, table, sandbox, work):
    p = Procedure(work, sandbox.url)
    if not p.ansible:
        table.add("Ansible comparison", "ansible-playbook not installed (scripts/setup.sh installs ansible-core)")
        return
    ansible, steps, rb, yml, posts, env, play = p.ansible, p.steps, p.rb, p.yml, p.posts, p.env, p.play
    runbook_args = [rb, "-p", f"lb={sandbox.url}"]

    log("Ansible: --check vs runbook plan ...")
    sandbox.reset()
    dry_median, _ = timed(play[:-1] + ["--check", yml], 1, env=env)
    plan_median, _ = timed([b.runbook, "plan", *runbook_args], 15, env=env)
    if sandbox.requests():
        raise RuntimeError("a dry run changed the sandbox")
    table.add("`ansible-playbook --check` vs `runbook plan`, 200-step procedure",
              f"{dry_median:.2f} s vs {ms(plan_median)}", "", f"{dry_median / plan_median:.0f}×")

    log("Ansible: running the 200-step procedure for real (about a minute) ...")
    sandbox.reset()
    ansible_run = run(play, env=env)
    ansible_posts = len(sandbox.requests("/api/traffic"))
    sandbox.reset()
    journal = os.path.join(work, "procedure.db")
    runbook_run = run([b.runbook, "run", *runbook_args, "--yes", "--journal", journal], env=env, cwd=work)
    runbook_posts = len(sandbox.requests("/api/traffic"))
    if ansible_posts != posts or runbook_posts != posts:
        raise RuntimeError(f"expected {posts} POSTs from each, saw Ansible {ansible_posts}, runbook {runbook_posts}")
    ratio = ansible_run.seconds / runbook_run.seconds
    table.add(f"200-step procedure run for real ({200 - posts} GET checks, {posts} POSTs): Ansible vs runbook",
              f"{ansible_run.seconds:.1f} s vs {ms(runbook_run.seconds)} "
              f"({ms(runbook_run.seconds / 200)} a step, every step journaled)",
              ">= 100× faster", f"{ratio:.0f}×", ratio >= 100)


# --- the machine -------------------------------------------------------------

def machine():
    model = "unknown CPU"
    try:
        for line in run(["lscpu"]).stdout.splitlines():
            if line.startswith("Model name:"):
                model = line.split(":", 1)[1].strip()
    except (OSError, RuntimeError):
        pass
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return {"cpu": model, "cores": os.cpu_count(), "load": load, "kernel": platform.release(),
            "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")}


class Binaries:
    def __init__(self, build):
        self.build = os.path.abspath(build)
        self.runbook = os.path.join(self.build, "interpreter", "runbook")
        self.sandbox = os.path.join(self.build, "sandbox", "runbook-sandbox")

    def bench(self, name):
        return os.path.join(self.build, "bench", f"bench_{name}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build", default=os.path.join(ROOT, "build-bench"), help="the Release build directory")
    parser.add_argument("--markdown", help="also write the table as markdown to this file")
    parser.add_argument("--only", help="comma-separated subset: parse,check,journal,simulate,startup,detect,memory,ansible")
    args = parser.parse_args()
    b = Binaries(args.build)
    for path in (b.runbook, b.sandbox):
        if not os.access(path, os.X_OK):
            sys.exit(f"report.py: {path} is missing: build with bench/run.sh")
    wanted = set(args.only.split(",")) if args.only else None

    def want(name):
        return wanted is None or name in wanted

    host = machine()
    table = Table()
    work = tempfile.mkdtemp(prefix="bench-", dir=b.build)
    sandbox = None
    try:
        if want("parse"):
            measure_parse(b, table)
        if want("check"):
            measure_check(b, table)
        if want("journal"):
            measure_journal(b, table, work)
        if want("simulate"):
            measure_simulate(b, table)
        if want("startup"):
            measure_startup(b, table, work)
        if want("detect") or want("memory") or want("ansible"):
            sandbox = Sandbox(b.sandbox, work)
            if want("detect"):
                measure_detection(b, table, sandbox, work)
            if want("memory"):
                measure_memory(b, table, sandbox, work)
            if want("ansible"):
                measure_ansible(b, table, sandbox, work)
    finally:
        if sandbox:
            sandbox.stop()
        shutil.rmtree(work, ignore_errors=True)
    host["load_after"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    header = (f"{host['date']}: {host['cpu']}, {host['cores']} cores, Linux {host['kernel']}; "
              f"load average {host['load']} at the start, {host['load_after']} at the end")
    print(header)
    print()
    print(table.text())
    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write(header + "\n\n" + table.markdown() + "\n")
        log(f"markdown table written to {args.markdown}")


if __name__ == "__main__":
    main()
