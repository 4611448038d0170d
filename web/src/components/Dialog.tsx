import * as D from "@radix-ui/react-dialog";
import type { ReactNode } from "react";

/** A modal dialog (Radix: focus trap, Escape, labelled by its title). */
export function Dialog({ open, onOpenChange, title, children }: { open: boolean; onOpenChange: (o: boolean) => void; title: string; children: ReactNode }) {
  return (
    <D.Root open={open} onOpenChange={onOpenChange}>
      <D.Portal>
        <D.Overlay className="overlay" />
        <D.Content className="dialog" aria-describedby={undefined}>
          <D.Title>{title}</D.Title>
          {children}
          <D.Close asChild>
            <button className="ghost close">Close</button>
          </D.Close>
        </D.Content>
      </D.Portal>
    </D.Root>
  );
}
