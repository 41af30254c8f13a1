import type { Rule, RuleFinding } from './rule';
import { GUARD_TEXT, python } from './common';
import { PROCESS_MODULES } from '../model/api';

/**
 * SPG015 freeze-support: a script that a PyInstaller spec (`Analysis([...'app.py'...])`, in `app.spec`)
 * or a cx_Freeze `setup.py` (`Executable("app.py")`) packages starts processes, and
 * `multiprocessing.freeze_support()` is missing from its guard or is not the guard's first statement.
 *
 * The build file is another file of the project, so the project layer finds it (server/src/project/
 * frozen.ts); the single-file check reports nothing. Points at the guard's condition (missing) or at
 * the call (not first); related = the build file's string naming the script.
 *
 * `data`: `{ tool: 'PyInstaller' | 'cx_Freeze', buildFile: string, project: true }`.
 */
export const freezeSupport: Rule = {
  code: 'SPG015',
  name: 'freeze-support',
  defaultSeverity: 'info',
  docs: {
    summary: 'A script that PyInstaller or cx_Freeze packages starts processes without `freeze_support()` first under its guard.',
    explanation: [
      'A frozen Windows executable (PyInstaller, cx_Freeze) has no Python script for a spawned child to run:',
      'multiprocessing starts each child by running the executable itself again, with arguments that say "be a child".',
      "`multiprocessing.freeze_support()` reads those arguments and runs the child's work instead of the program. The",
      'CPython documentation (`multiprocessing.freeze_support`) says to call it "straight after the',
      '`if __name__ == \'__main__\'` line of the main module", and that if it is omitted "trying to run the frozen',
      'executable will raise RuntimeError"; PyInstaller and cx_Freeze users report apps that start themselves over and',
      'over. The call has no effect when the program is not frozen, so it is safe to add everywhere.',
      '',
      'Spawn Guard reports this only when a build file of the project names the script: `<script>.spec` with',
      '`Analysis([\'<script>.py\', …])`, or a `setup.py` that imports cx_Freeze with `Executable("<script>.py")`, beside',
      'the script or in a workspace folder. The frozen behaviour cannot be reproduced by `spawn-guard run`.',
    ].join('\n'),
    example: {
      bad: python`
        # app.spec: a = Analysis(['app.py'], ...)
        from multiprocessing import Pool

        def square(x):
            return x * x

        if __name__ == "__main__":
            with Pool(4) as pool:
                print(pool.map(square, range(10)))
      `,
      good: python`
        # app.spec: a = Analysis(['app.py'], ...)
        from multiprocessing import Pool, freeze_support

        def square(x):
            return x * x

        if __name__ == "__main__":
            freeze_support()
            with Pool(4) as pool:
                print(pool.map(square, range(10)))
      `,
    },
    fix: `Call \`multiprocessing.freeze_support()\` as the first statement under \`${GUARD_TEXT}\`.`,
    url: 'https://docs.python.org/3/library/multiprocessing.html#multiprocessing.freeze_support',
  },
  mentions: PROCESS_MODULES,
  appliesTo: 'script',
  foundBy: 'project',
  check(): RuleFinding[] {
    // Found by the project layer: the build file that packages the script is another file.
    return [];
  },
};
