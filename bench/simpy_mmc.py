"""M/M/c in SimPy, the reference for `npm run bench:simpy` (deploysim's bench/mm10.yaml).

Poisson arrivals at LAMBDA/s, c servers, exponential service of rate MU, first come first
served; N requests. Prints one JSON line: requests, simulated seconds, mean sojourn (Erlang C
for lambda 9, mu 1, c 10: 1.6687 s) and the wall seconds of the simulation alone.

Works with SimPy 3/4 (`import simpy`) and with the classic SimPy 2 API (`SimPy.Simulation`),
which is what Debian's python3-simpy package ships.
usage: simpy_mmc.py [N] [LAMBDA] [MU] [C] [SEED]
"""
import json
import random
import sys
import time

N = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
LAMBDA = float(sys.argv[2]) if len(sys.argv) > 2 else 9.0
MU = float(sys.argv[3]) if len(sys.argv) > 3 else 1.0
C = int(sys.argv[4]) if len(sys.argv) > 4 else 10
SEED = int(sys.argv[5]) if len(sys.argv) > 5 else 1


def run_simpy3(simpy, rng):
    env = simpy.Environment()
    servers = simpy.Resource(env, capacity=C)
    total = [0.0, 0]

    def request(env):
        t0 = env.now
        with servers.request() as req:
            yield req
            yield env.timeout(rng.expovariate(MU))
        total[0] += env.now - t0
        total[1] += 1

    def source(env):
        for _ in range(N):
            env.process(request(env))
            yield env.timeout(rng.expovariate(LAMBDA))

    env.process(source(env))
    env.run()
    return env.now, total


def run_simpy2(sim, rng):
    total = [0.0, 0]

    class Request(sim.Process):
        def visit(self, servers):
            t0 = sim.now()
            yield sim.request, self, servers
            yield sim.hold, self, rng.expovariate(MU)
            yield sim.release, self, servers
            total[0] += sim.now() - t0
            total[1] += 1

    class Source(sim.Process):
        def generate(self, servers):
            for _ in range(N):
                r = Request()
                sim.activate(r, r.visit(servers))
                yield sim.hold, self, rng.expovariate(LAMBDA)

    sim.initialize()
    servers = sim.Resource(capacity=C)
    s = Source()
    sim.activate(s, s.generate(servers))
    sim.simulate(until=1e18)
    return sim.now(), total


def main():
    rng = random.Random(SEED)
    t0 = time.perf_counter()
    try:
        import simpy

        api = f"simpy {getattr(simpy, '__version__', '?')}"
        end, total = run_simpy3(simpy, rng)
    except ImportError:
        import SimPy.Simulation as sim

        api = "SimPy 2 (SimPy.Simulation)"
        end, total = run_simpy2(sim, rng)
    wall = time.perf_counter() - t0
    print(json.dumps({"api": api, "requests": total[1], "simulated_s": end, "mean_sojourn_s": total[0] / max(1, total[1]), "sim_wall_s": wall}))


if __name__ == "__main__":
    main()
