import { type JSX, Show } from "solid-js";
import { ArchiveButton } from "./ArchiveButton.tsx";

/**
 * The actions cell of a settings row: change it (when it may still change) and archive or retire it, with
 * what that means in the confirmation; nothing once it is archived or retired.
 */
export function RowActions(props: {
  name: string;
  what: "project" | "site" | "size";
  /** the edit button's label ("Edit", "Rename", "Change"); null: it can no longer be changed */
  edit: string | null;
  onEdit: () => void;
  ended: string | null;
  verb?: "Archive" | "Retire";
  archive: () => Promise<unknown>;
  /** what archiving or retiring it means, in the confirmation */
  children: JSX.Element;
}) {
  return (
    <td data-label="Actions">
      <Show when={!props.ended}>
        <div class="card__actions">
          <Show when={props.edit}>
            {(label) => (
              <button type="button" class="button button--small" onClick={() => props.onEdit()}>
                {label()}
                <span class="visually-hidden"> {props.name}</span>
              </button>
            )}
          </Show>
          <ArchiveButton
            name={props.name}
            what={props.what}
            {...(props.verb ? { verb: props.verb } : {})}
            archive={props.archive}
          >
            {props.children}
          </ArchiveButton>
        </div>
      </Show>
    </td>
  );
}
