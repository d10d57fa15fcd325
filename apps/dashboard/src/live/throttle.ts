/**
 * Calls `fn` at once, then at most once per `ms`: calls in between fold into one at the end of
 * the interval, so the last change is never lost.
 */
export function throttle(fn: () => void, ms: number): { call: () => void; cancel: () => void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let pending = false;
  const open = () => {
    timer = setTimeout(() => {
      timer = undefined;
      if (pending) {
        pending = false;
        fn();
        open();
      }
    }, ms);
  };
  return {
    call() {
      if (timer) {
        pending = true;
        return;
      }
      fn();
      open();
    },
    cancel() {
      clearTimeout(timer);
      timer = undefined;
      pending = false;
    },
  };
}
