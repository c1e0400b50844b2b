// The PKI writes 0600/0700 files and the monitor and watchers run on Linux.
[assembly: System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
