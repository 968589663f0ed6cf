import { Navigate } from "@solidjs/router";

export default function HomeRedirect() {
  return <Navigate href="/requests" />;
}
