import type { RequestDetail } from "@gantry/shared/api/requests";
import type { SessionUser } from "@gantry/shared/api/session";
import { A, createAsync, revalidate, useParams } from "@solidjs/router";
import { createMemo, createSignal, ErrorBoundary, Match, Show, Switch } from "solid-js";
import { ApprovalProgress } from "../components/ApprovalProgress.tsx";
import { ErrorNotice } from "../components/ErrorNotice.tsx";
import { PageHeader } from "../components/PageHeader.tsx";
import { ProgressStepper } from "../components/ProgressStepper.tsx";
import { RequesterContext } from "../components/RequesterContext.tsx";
import { RequestFacts } from "../components/RequestFacts.tsx";
import { StatusBadge } from "../components/StatusBadge.tsx";
import { Timeline } from "../components/Timeline.tsx";
import { isNotFound } from "../lib/api-errors.ts";
import { createNow } from "../lib/create-now.ts";
import { createProgressStream } from "../lib/create-progress-stream.ts";
import { createWaitReason } from "../lib/create-wait-reason.ts";
import { getRequest, getSession } from "../lib/queries.ts";
import { liveViewOf } from "../lib/request-live-view.ts";
import { ClosedNotice } from "./request-detail/ClosedNotice.tsx";
import { NextInQueue } from "./request-detail/NextInQueue.tsx";
import { RequestActions } from "./request-detail/RequestActions.tsx";
import { VmPanel } from "./request-detail/VmPanel.tsx";

function RequestNotFound() {
  return (
    <section class="card" data-testid="not-found">
      <PageHeader title="Request not found" />
      <p>There is no request at this address that you can see. It may belong to another team.</p>
      <A href="/requests" class="button">
        Back to my requests
      </A>
    </section>
  );
}

function RequestView(props: { detail: RequestDetail; session: SessionUser }) {
  const request = () => props.detail.request;
  const status = () => request().status;
  // watching from submission on lets the member see the first stage the moment the agent starts it
  const watching = createMemo(() =>
    status() === "PENDING" || status() === "APPROVED" || status() === "PROVISIONING"
      ? request().requestId
      : null,
  );
  // durable frames (stages, the outcome) also change the summary and history: reload those
  const stream = createProgressStream(watching, {
    onDurableFrame: () => void revalidate(getRequest.keyFor(request().requestId)),
  });
  const now = createNow(1000);
  const waitReason = createWaitReason(() => props.detail);
  const view = createMemo(() =>
    liveViewOf(props.detail, stream.progress, {
      now: now(),
      waitReason: waitReason(),
      viewerId: props.session.userId,
    }),
  );
  const showsRun = () => status() !== "REJECTED" && status() !== "CANCELLED";
  const isAdmin = () => props.session.role === "admin";
  const isRequester = () => request().requester.id === props.session.userId;
  // this admin just decided here: offer the next request of the queue
  const [decided, setDecided] = createSignal(false);

  const facts = () => (
    <>
      <RequestFacts request={request()} viewerId={props.session.userId} />
      <ApprovalProgress approvals={props.detail.approvals} pending={status() === "PENDING"} />
      <Show when={props.detail.requesterContext}>
        {(context) => <RequesterContext requester={context().requester} recent={context().recentRequests} />}
      </Show>
    </>
  );
  const history = () => (
    <section class="card" aria-labelledby="history-title">
      <h2 id="history-title">History</h2>
      <Timeline entries={props.detail.timeline} />
    </section>
  );

  return (
    <>
      <PageHeader
        title={`Request ${request().name}`}
        heading={
          <>
            <span class="mono">{request().name}</span> <StatusBadge status={view().status} />
          </>
        }
      >
        <RequestActions detail={props.detail} session={props.session} onDecided={() => setDecided(true)} />
        <Show when={status() === "READY"}>
          <A href={`/vms/${request().requestId}`} class="button">
            Open the VM
          </A>
        </Show>
      </PageHeader>
      <Show when={decided() && isAdmin()}>
        <NextInQueue decided={request().requestId} adminId={props.session.userId} />
      </Show>
      <ClosedNotice
        requestId={request().requestId}
        status={status()}
        reason={request().decision?.reason ?? ""}
        isRequester={isRequester()}
      />
      <Show
        when={showsRun()}
        fallback={
          // nothing ran: the summary beside the history, no empty column
          <div class="two-columns">
            <div>{facts()}</div>
            <div>{history()}</div>
          </div>
        }
      >
        <div class="two-columns">
          <div class="run-column">
            <section class="card" aria-labelledby="progress-title">
              <h2 id="progress-title">Progress</h2>
              <ProgressStepper
                steps={view().steps}
                announcement={view().announcement}
                status={view().statusLine}
                tooLong={view().tooLong}
                failure={view().failure}
                showTechnicalDetail={isAdmin()}
                requestAgain={isRequester() ? request().requestId : null}
              />
            </section>
            <VmPanel
              requestId={request().requestId}
              ready={view().status === "READY"}
              failed={view().failure !== null}
              vm={view().vm}
              access={props.detail.access}
            />
          </div>
          <div>
            {facts()}
            {history()}
          </div>
        </div>
      </Show>
    </>
  );
}

export default function RequestDetailPage() {
  const params = useParams();
  const requestId = () => params.id ?? "";
  const detail = createAsync(() => getRequest(requestId()));
  const session = createAsync(() => getSession());
  // decisions by others (approve, reject, cancel) are pushed by the app-wide change feed (AppLayout);
  // the run itself by the progress stream

  return (
    <ErrorBoundary
      fallback={(error, reset) => (
        <Switch
          fallback={<ErrorNotice error={error} onRetry={reset} title="This request could not be loaded" />}
        >
          <Match when={isNotFound(error)}>
            <RequestNotFound />
          </Match>
        </Switch>
      )}
    >
      <Show when={detail()}>
        {(d) => <Show when={session()}>{(s) => <RequestView detail={d()} session={s()} />}</Show>}
      </Show>
    </ErrorBoundary>
  );
}
