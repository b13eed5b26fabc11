/** A clock a test moves by hand (lockouts, TOTP steps, token expiry): pass `now` to the app. */
export function testClock(start: string) {
  let current = new Date(start);
  return {
    now: () => current,
    advance(seconds: number) {
      current = new Date(current.getTime() + seconds * 1000);
    },
    /** Whole seconds since 1970, as TOTP counts time. */
    epochSeconds: () => Math.floor(current.getTime() / 1000),
  };
}
