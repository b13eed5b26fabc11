import { earlyRequests } from './boot/start';

// Kept small on purpose: this chunk runs as soon as it arrives and asks the server who is signed in
// (src/boot/start.ts) while React, Mantine and the app, loaded below, are fetched and evaluated. Their files
// are preloaded from index.html (vite.config.ts), so loading them from here costs no extra round trip.
const app = import('./boot/mount');
// An async script may run before the page's body is parsed.
const parsed = new Promise<void>((resolve) => {
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', () => resolve(), { once: true });
  else resolve();
});
Promise.all([app, parsed]).then(
  ([{ mount }]) => {
    const root = document.getElementById('root');
    if (!root) throw new Error('index.html has no #root element');
    mount(root, earlyRequests.fetch);
  },
  (error: unknown) => {
    document.body.textContent = 'Meridian could not load. Check your connection and reload the page.';
    throw error;
  },
);
