import '@mantine/core/styles.css';
import '@mantine/notifications/styles.css';
import './global.css';
import { MantineProvider } from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { RouterProvider } from '@tanstack/react-router';
import { useState } from 'react';
import { ApiContext } from '../api/api-context';
import { isApiError } from '../api/api-error';
import { FhirClient } from '../api/fhir-client';
import { type Fetch, HttpClient } from '../api/http-client';
import { AuthProvider } from '../auth/AuthProvider';
import { createAppRouter } from './routes';
import { cssVariablesResolver, theme } from './theme';

function createQueryClient() {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 30_000,
        refetchOnWindowFocus: false,
        // Retrying a refusal (4xx) only delays the message the person needs to see.
        retry: (failures, error) => failures < 2 && !(isApiError(error) && error.status >= 400 && error.status < 500),
      },
    },
  });
}

/** `fetchImpl`: how the app reaches the server; main.tsx passes one that reuses the page's early requests. */
export function App({ fetchImpl }: { fetchImpl?: Fetch }) {
  const [queryClient] = useState(createQueryClient);
  const [api] = useState(() => {
    const http = new HttpClient('', fetchImpl);
    return { http, fhir: new FhirClient(http) };
  });
  const [router] = useState(createAppRouter);
  return (
    <MantineProvider theme={theme} cssVariablesResolver={cssVariablesResolver} defaultColorScheme="light">
      <Notifications position="top-right" />
      <ApiContext.Provider value={api}>
        <QueryClientProvider client={queryClient}>
          <AuthProvider>
            <RouterProvider router={router} />
          </AuthProvider>
        </QueryClientProvider>
      </ApiContext.Provider>
    </MantineProvider>
  );
}
