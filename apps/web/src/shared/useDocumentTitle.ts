import { useEffect } from 'react';

/** Names the browser tab after the screen (screen readers announce it on navigation). */
export function useDocumentTitle(title: string | undefined) {
  useEffect(() => {
    document.title = title ? `${title} · Meridian` : 'Meridian';
  }, [title]);
}
