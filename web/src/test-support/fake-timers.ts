/** A timer scheduled through a fake `setTimer`: what runs, after how long, and whether it was cancelled. */
export interface FakeTimer {
  fn: () => void;
  ms: number;
  cleared: boolean;
}

/** A clock and timers a unit test moves by hand, for options that take `now` and `setTimer`. */
export function fakeTimers(start = 0) {
  const timers: FakeTimer[] = [];
  let clock = start;
  return {
    timers,
    now: () => clock,
    advance: (ms: number) => {
      clock += ms;
    },
    setTimer: (fn: () => void, ms: number) => {
      const timer: FakeTimer = { fn, ms, cleared: false };
      timers.push(timer);
      return () => {
        timer.cleared = true;
      };
    },
    /** Runs the first timer still pending (moving the clock to it if asked); throws when none is. */
    runNext: (options: { advanceClock?: boolean } = {}) => {
      const timer = timers.find((t) => !t.cleared);
      if (!timer) throw new Error("nothing scheduled");
      timer.cleared = true;
      if (options.advanceClock) clock += timer.ms;
      timer.fn();
    },
  };
}
