import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import type { Fetch } from '../api/http-client';
import { App } from '../app/App';

/** Renders the app into #root; `fetchImpl` reaches the server (reusing the page's early requests). */
export function mount(root: HTMLElement, fetchImpl: Fetch) {
  createRoot(root).render(
    <StrictMode>
      <App fetchImpl={fetchImpl} />
    </StrictMode>,
  );
}
