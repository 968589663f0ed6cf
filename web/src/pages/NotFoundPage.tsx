import { A } from "@solidjs/router";

export default function NotFoundPage() {
  return (
    <section class="card">
      <h1>Page not found</h1>
      <p>There is nothing at this address.</p>
      <A href="/requests" class="button">
        Go to my requests
      </A>
    </section>
  );
}
