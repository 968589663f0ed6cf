import { A } from "@solidjs/router";
import { PageHeader } from "../components/PageHeader.tsx";

export default function NotFoundPage() {
  return (
    <section class="card">
      <PageHeader title="Page not found" />
      <p>There is nothing at this address.</p>
      <A href="/requests" class="button">
        Go to my requests
      </A>
    </section>
  );
}
