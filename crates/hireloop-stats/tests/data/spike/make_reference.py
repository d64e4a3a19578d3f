"""Reference values for the spike simulator's tests, generated once and committed beside this file.

Run with the anchor venv (SimPy, SciPy):

    /tmp/hireloop-anchors/venv/bin/python make_reference.py > reference.json

Two parts:
- closed forms (Erlang B and C, M/M/c waits, M/M/c/K blocking) computed through SciPy's Poisson
  distribution and log-gamma, independently of the recursions the Rust code uses;
- the 10x spike of reference/queueing.md under the three policies, simulated with SimPy's
  PriorityResource: base 600/s, 6,000/s from 10 s to 30 s, 60 s horizon, 100 servers at 10/s,
  10% high-value orders, clients give up after waiting 2 s, low-value orders shed while 200 or more
  orders wait (priority-shed). Arrivals stop at the horizon; orders already in are followed until
  they are served or give up, as `hireloop spike` does.
"""
import json
import math
import platform
import random
import sys
import time

import scipy
import simpy
from scipy import special, stats


def erlang_b(c, a):
    # P(all c busy) in M/M/c/c = Poisson pmf(c) / Poisson cdf(c).
    return stats.poisson.pmf(c, a) / stats.poisson.cdf(c, a)


def mmc(lam, mu, c):
    a = lam / mu
    rho = a / c
    b = erlang_b(c, a)
    p_wait = b / (1 - rho + rho * b)
    wq = p_wait / (c * mu - lam)
    return dict(servers=c, service_rate=mu, arrival_rate=lam, erlang_b=b, p_wait=p_wait,
                wq=wq, w=wq + 1 / mu, lq=lam * wq, rho=rho)


def mmck(lam, mu, c, k):
    a = lam / mu
    logs = []
    for n in range(k + 1):
        if n <= c:
            logs.append(n * math.log(a) - special.gammaln(n + 1))
        else:
            logs.append(n * math.log(a) - special.gammaln(c + 1) - (n - c) * math.log(c))
    top = max(logs)
    z = sum(math.exp(x - top) for x in logs)
    return dict(servers=c, service_rate=mu, arrival_rate=lam, capacity=k,
                blocking=math.exp(logs[k] - top) / z)


SPIKE = dict(base=600.0, multiple=10.0, spike_start=10.0, spike_length=20.0, horizon=60.0,
             servers=100, service_rate=10.0, high_share=0.1, patience=2.0, queue_limit=200)


def next_arrival(t, rng, p):
    """The next arrival after t of the piecewise-constant Poisson process (inversion of the
    cumulative rate, so a boundary never distorts the gap)."""
    s0, s1 = p["spike_start"], p["spike_start"] + p["spike_length"]
    pieces = [(0.0, s0, p["base"]), (s0, s1, p["base"] * p["multiple"]), (s1, p["horizon"], p["base"])]
    mass = rng.expovariate(1.0)
    for lo, hi, rate in pieces:
        if hi <= t or rate <= 0:
            continue
        start = max(t, lo)
        if start + mass / rate < hi:
            return start + mass / rate
        mass -= (hi - start) * rate
    return None


def quantile(sorted_xs, q):
    return sorted_xs[int(q * (len(sorted_xs) - 1))] if sorted_xs else None


def spike(policy, seed, p=SPIKE):
    rng = random.Random(seed)
    env = simpy.Environment()
    srv = simpy.PriorityResource(env, capacity=p["servers"])
    cls_stats = {k: dict(arrivals=0, served=0, shed=0, abandoned=0, waits=[], latencies=[])
                 for k in ("high", "low")}

    def order(env, cls, service):
        t0 = env.now
        s = cls_stats[cls]
        prio = 0 if (policy != "fifo" and cls == "high") else 1
        with srv.request(priority=prio) as rq:
            got = yield rq | env.timeout(p["patience"])
            if rq not in got:
                s["abandoned"] += 1
                return
            wait = env.now - t0
            yield env.timeout(service)
            s["served"] += 1
            s["waits"].append(wait)
            s["latencies"].append(wait + service)

    def source(env):
        t = 0.0
        while True:
            nxt = next_arrival(t, rng, p)
            if nxt is None:
                return
            yield env.timeout(nxt - t)
            t = nxt
            cls = "high" if rng.random() < p["high_share"] else "low"
            service = rng.expovariate(p["service_rate"])
            cls_stats[cls]["arrivals"] += 1
            if policy == "priority-shed" and cls == "low" and len(srv.queue) >= p["queue_limit"]:
                cls_stats[cls]["shed"] += 1
                continue
            env.process(order(env, cls, service))

    env.process(source(env))
    started = time.perf_counter()
    env.run()
    elapsed = time.perf_counter() - started
    out = {}
    for k, s in cls_stats.items():
        w, lat = sorted(s["waits"]), sorted(s["latencies"])
        out[k] = dict(arrivals=s["arrivals"], served=s["served"], shed=s["shed"],
                      abandoned=s["abandoned"],
                      served_fraction=s["served"] / max(s["arrivals"], 1),
                      wait_mean=sum(w) / len(w) if w else None,
                      wait_p50=quantile(w, 0.5), wait_p99=quantile(w, 0.99),
                      latency_p50=quantile(lat, 0.5), latency_p99=quantile(lat, 0.99))
    return dict(policy=policy, seed=seed, classes=out, seconds=elapsed)


def main():
    seeds = [int(s) for s in sys.argv[1:]] or [3, 4]
    ref = dict(
        generated_by="crates/hireloop-stats/tests/data/spike/make_reference.py",
        python=platform.python_version(), simpy=simpy.__version__, scipy=scipy.__version__,
        mmc=[mmc(900.0, 10.0, 100), mmc(600.0, 10.0, 100), mmc(95.0, 1.0, 100),
             mmc(8.0, 1.0, 10), mmc(1.5, 2.0, 1), mmc(4900.0, 1.0, 5000)],
        mmck=[mmck(1200.0, 10.0, 100, 120), mmck(900.0, 10.0, 100, 110), mmck(3.0, 1.0, 1, 5),
              mmck(2000.0, 10.0, 150, 150), mmck(500.0, 10.0, 100, 300)],
        spike_scenario=SPIKE,
        spike=[spike(policy, seed) for seed in seeds
               for policy in ("fifo", "priority", "priority-shed")],
    )
    json.dump(ref, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
