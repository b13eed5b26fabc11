import { useNavigate } from '@tanstack/react-router';
import { useEffect, useRef } from 'react';

/** Replaces the current address once (a rendered <Navigate> can re-fire while the router is settling). */
export function Redirect({ href }: { href: string }) {
  const navigate = useNavigate();
  const sent = useRef(false);
  useEffect(() => {
    if (sent.current) return;
    sent.current = true;
    void navigate({ href, replace: true });
  }, [navigate, href]);
  return null;
}
