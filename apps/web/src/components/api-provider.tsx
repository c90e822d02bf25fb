"use client";

import { QueryClientProvider } from "@tanstack/react-query";
import { createTasklaneClient, type TasklaneClient } from "@tasklane/contract";
import { createContext, type ReactNode, useContext, useState } from "react";
import { createAuthorizedFetch } from "@/lib/api-session";
import { apiTokens, redirectToSignIn } from "@/lib/browser-session";
import { createQueryClient } from "@/lib/query-client";

const ApiContext = createContext<TasklaneClient | null>(null);

/**
 * Gives the pages a typed API client that sends the in-memory token, and the query cache that
 * holds what it fetched. The API's URL comes from the server at request time (not baked in by
 * the build), so one build runs anywhere.
 */
export function ApiProvider({ apiUrl, children }: { apiUrl: string; children: ReactNode }) {
  const [client] = useState(() =>
    createTasklaneClient({
      baseUrl: apiUrl,
      getToken: () => apiTokens.getToken(),
      fetch: createAuthorizedFetch({ tokens: apiTokens, onSignedOut: redirectToSignIn }),
    }),
  );
  const [queryClient] = useState(createQueryClient);
  return (
    <ApiContext.Provider value={client}>
      <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>
    </ApiContext.Provider>
  );
}

export function useApi(): TasklaneClient {
  const client = useContext(ApiContext);
  if (client === null) throw new Error("useApi must be used inside <ApiProvider>");
  return client;
}
