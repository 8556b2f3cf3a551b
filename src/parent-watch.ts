/**
 * `npm start` runs the server as `sh -c "node …"`, and on SIGTERM npm signals only that shell, which
 * dies without passing it on (dash, /bin/sh on Debian and Ubuntu; cmd.exe on Windows likewise): the
 * server ran on as an orphan. So a server started by npm watches its parent and stops when it has
 * gone — on POSIX the server is re-parented (its ppid changes), on Windows the old parent's PID is
 * no longer alive. Checked twice a second; the timer never keeps the process alive.
 */
export function watchParent(onGone: () => void, intervalMs = 500): void {
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid === parent && isAlive(parent)) return;
    clearInterval(timer);
    onGone();
  }, intervalMs);
  timer.unref();
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists, but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
