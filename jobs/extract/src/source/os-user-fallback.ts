/**
 * node-firebird puts the operating-system user name into its connect packet (CNCT_user) with
 * `os.userInfo()`, inside the socket's `connect` event. In a container whose uid has no passwd
 * entry — OpenShift's arbitrary uids, or a chart `runAsUser` other than the image's 10001 —
 * `os.userInfo()` throws ENOENT there, and the extractor would die with an uncaught
 * "uv_os_get_passwd returned ENOENT" instead of connecting. Firebird only records that name (in
 * MON$ATTACHMENTS.MON$REMOTE_OS_USER); it plays no part in authentication. So when the lookup
 * fails we answer with the uid ("uid-1000650000"). Installed once per process, before attaching.
 */
import os from 'node:os';

let installed = false;

export function installOsUserFallback(): void {
  if (installed) return;
  installed = true;
  const userInfo = os.userInfo;
  os.userInfo = function userInfoOrUid(this: typeof os, ...args: Parameters<typeof os.userInfo>) {
    try {
      return userInfo.apply(this, args);
    } catch {
      const uid = process.getuid?.() ?? -1;
      return { username: `uid-${uid}`, uid, gid: process.getgid?.() ?? -1, shell: null, homedir: process.env.HOME ?? '/' };
    }
  } as typeof os.userInfo;
}
