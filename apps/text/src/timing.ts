/** Wall and CPU time of a piece of work: the machine is shared, so CPU seconds are the fairer figure. */
export interface Elapsed {
  wallSeconds: number;
  cpuSeconds: number;
}

export function startTimer(): () => Elapsed {
  const wall = performance.now();
  const cpu = process.cpuUsage();
  return () => {
    const used = process.cpuUsage(cpu);
    return { wallSeconds: (performance.now() - wall) / 1000, cpuSeconds: (used.user + used.system) / 1e6 };
  };
}

export const round = (x: number, digits = 4): number => Math.round(x * 10 ** digits) / 10 ** digits;
