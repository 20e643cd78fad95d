import Link from "next/link";
import { buttonClass } from "@/components/ui/button";

/** Another tenant's workspace, ids that were never here and typos all look the same: not found. */
export default function WorkspaceNotFound() {
  return (
    <main className="mx-auto flex min-h-[70vh] max-w-xl flex-col justify-center gap-4 px-6">
      <h1 className="text-2xl font-bold">Not found</h1>
      <p className="text-slate-700">There is nothing here for you. The link may be mistyped, or you are not a member of this workspace.</p>
      <div>
        <Link href="/start" className={buttonClass("primary", "lg")}>
          Go to your workspace
        </Link>
      </div>
    </main>
  );
}
