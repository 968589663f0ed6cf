import type { VmDetail, VmSnapshotView } from "@gantry/shared/api/vms";
import { SNAPSHOT_NAME_MAX } from "@gantry/shared/domain/vm-actions";
import { useAction } from "@solidjs/router";
import { createSignal, For, Show } from "solid-js";
import { asSentence } from "../../lib/api-errors.ts";
import { formatDateTime, formatDuration } from "../../lib/format.ts";
import { createSnapshotAction, deleteSnapshotAction, revertSnapshotAction } from "../../lib/queries.ts";
import { availabilityOf, isOldSnapshot } from "../../lib/vm-view.ts";
import { ActionDialog } from "./ActionDialog.tsx";

const ageText = (snapshot: VmSnapshotView) => `${formatDuration(snapshot.ageMs / 1000)} old`;

/**
 * Snapshots with their age (old ones in a warning style: they grow and slow the VM), the cap, create
 * (name, with or without memory), revert and delete, each confirmed.
 */
export function Snapshots(props: { detail: VmDetail }) {
  const create = useAction(createSnapshotAction);
  const revert = useAction(revertSnapshotAction);
  const remove = useAction(deleteSnapshotAction);
  const [name, setName] = createSignal("");
  const [withMemory, setWithMemory] = createSignal(false);
  const vmId = () => props.detail.vm.vmId;
  const can = (kind: "snapshot-create" | "snapshot-revert" | "snapshot-delete") =>
    availabilityOf(props.detail.actions, kind);
  const count = () => props.detail.snapshots.length;

  return (
    <section class="card" aria-labelledby="vm-snapshots-title">
      <h2 id="vm-snapshots-title">Snapshots</h2>
      <p class="muted" data-testid="snapshot-cap">
        {count()} of {props.detail.snapshotCap} snapshots this VM may hold.
      </p>
      <Show when={count() > 0} fallback={<p>No snapshots.</p>}>
        <ul class="snapshot-list" aria-label="Snapshots">
          <For each={props.detail.snapshots}>
            {(snapshot) => (
              <li
                class={isOldSnapshot(snapshot.ageMs) ? "snapshot snapshot--old" : "snapshot"}
                data-snapshot={snapshot.name}
              >
                <div>
                  <strong>{snapshot.name}</strong>
                  <Show when={snapshot.withMemory}>
                    {" "}
                    <span class="badge badge--info">with memory</span>
                  </Show>
                  <div class="muted tabular">
                    <time dateTime={snapshot.createdAt}>{formatDateTime(snapshot.createdAt)}</time> ·{" "}
                    {ageText(snapshot)} · by {snapshot.createdBy.name ?? "someone"}
                  </div>
                  <Show when={isOldSnapshot(snapshot.ageMs)}>
                    <p class="snapshot__warning">
                      Old snapshot: it keeps growing and slows the VM down. Delete it once you no longer need
                      it.
                    </p>
                  </Show>
                </div>
                <div class="form-actions">
                  <ActionDialog
                    id={`revert-${snapshot.snapshotId}`}
                    triggerLabel={`Revert`}
                    triggerClass="button button--small"
                    disabled={!can("snapshot-revert").available}
                    disabledReason={null}
                    title={`Revert to “${snapshot.name}”?`}
                    confirmLabel="Revert"
                    confirmClass="button button--danger"
                    confirmed={() => `Reverting to “${snapshot.name}”.`}
                    onConfirm={(idempotencyKey) =>
                      revert({ vmId: vmId(), idempotencyKey, snapshotId: snapshot.snapshotId })
                    }
                  >
                    <p>
                      The VM goes back to how it was at {formatDateTime(snapshot.createdAt)}; everything since
                      is lost.{" "}
                      {snapshot.withMemory
                        ? "The guest resumes running as it was."
                        : "The snapshot has no memory: the VM is powered off after the revert."}
                    </p>
                  </ActionDialog>
                  <ActionDialog
                    id={`delete-${snapshot.snapshotId}`}
                    triggerLabel={`Delete`}
                    triggerClass="button button--small"
                    disabled={!can("snapshot-delete").available}
                    disabledReason={null}
                    title={`Delete snapshot “${snapshot.name}”?`}
                    confirmLabel="Delete snapshot"
                    confirmClass="button button--danger"
                    confirmed={() => `Deleting snapshot “${snapshot.name}”.`}
                    onConfirm={(idempotencyKey) =>
                      remove({ vmId: vmId(), idempotencyKey, snapshotId: snapshot.snapshotId })
                    }
                  >
                    <p>The VM stays as it is now; you can no longer go back to this point.</p>
                  </ActionDialog>
                </div>
              </li>
            )}
          </For>
        </ul>
      </Show>
      <Show when={!can("snapshot-revert").available && count() > 0 && can("snapshot-revert").reason}>
        {(why) => <p class="muted">{asSentence(why())}</p>}
      </Show>
      <ActionDialog
        id="snapshot-create"
        triggerLabel="Take snapshot…"
        disabled={!can("snapshot-create").available}
        disabledReason={can("snapshot-create").reason}
        title="Take a snapshot"
        confirmLabel="Take snapshot"
        canConfirm={name().trim().length > 0 && name().trim().length <= SNAPSHOT_NAME_MAX}
        onOpen={() => {
          setName("");
          setWithMemory(false);
        }}
        confirmed={() => `Taking snapshot “${name().trim()}”.`}
        onConfirm={(idempotencyKey) =>
          create({ vmId: vmId(), idempotencyKey, name: name().trim(), withMemory: withMemory() })
        }
      >
        <div class="field">
          <label for="snapshot-name">Name</label>
          <input
            id="snapshot-name"
            class="input"
            maxLength={SNAPSHOT_NAME_MAX}
            value={name()}
            onInput={(e) => setName(e.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label>
            <input
              type="checkbox"
              checked={withMemory()}
              onChange={(e) => setWithMemory(e.currentTarget.checked)}
            />{" "}
            Include the guest's memory (a revert resumes the running guest; takes longer)
          </label>
        </div>
      </ActionDialog>
    </section>
  );
}
