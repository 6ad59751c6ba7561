/** A sleep that ends early when woken (a NOTIFY, a signal); wakes while nobody sleeps are kept. */
export class Waker {
  private pending = false;
  private release: (() => void) | null = null;

  wake(): void {
    if (this.release) {
      const release = this.release;
      this.release = null;
      release();
    } else {
      this.pending = true;
    }
  }

  wait(ms: number): Promise<void> {
    if (this.pending) {
      this.pending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.release = null;
        resolve();
      }, ms);
      this.release = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
