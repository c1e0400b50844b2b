// The tests check Unix file modes (0600 keys, 0700 directories); the monitor and watchers run on Linux.
[assembly: System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
