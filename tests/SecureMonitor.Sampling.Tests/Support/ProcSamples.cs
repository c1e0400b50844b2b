namespace SecureMonitor.Sampling.Tests.Support;

/// <summary>
/// /proc files as real Linux kernels print them (captured on a 2-core Debian 12 VM and a 4-core
/// workstation; long lines shortened only where the parsers stop reading).
/// </summary>
internal static class ProcSamples
{
    public const string StatFourCores = """
        cpu  2255524 4513 735240 38427013 26411 0 31526 0 0 0
        cpu0 561634 1171 185766 9602338 6867 0 16683 0 0 0
        cpu1 566131 1134 183113 9611029 6447 0 6002 0 0 0
        cpu2 563318 1092 182815 9607226 6605 0 4531 0 0 0
        cpu3 564439 1114 183545 9606418 6491 0 4309 0 0 0
        intr 116378394 9 0 0 0 0 0 0 0 1 0 0 0 4 0 0 0 0 0 0 0 0 0 0 0 0 0 271 0 0 0 0 0 0 0
        ctxt 215483412
        btime 1717654320
        processes 412893
        procs_running 2
        procs_blocked 0
        softirq 59183713 2 17251389 5 1623414 1009113 0 224455 20993541 0 18081794

        """;

    public const string StatTwoCores = """
        cpu  174048 0 13415 120506 462 0 488 141 0 0
        cpu0 86296 0 6911 60747 285 0 234 69 0 0
        cpu1 87752 0 6504 59758 177 0 253 71 0 0
        intr 1425176 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 1 1 16 0 0 0 0 309 64 0 37 1 130645
        ctxt 5380066
        btime 1717660000
        processes 25378
        procs_running 3
        procs_blocked 0
        softirq 933311 0 275214 4 18632 0 0 7436 318547 0 313478

        """;

    public const string MemInfo = """
        MemTotal:       24731708 kB
        MemFree:        22144928 kB
        MemAvailable:   24226808 kB
        Buffers:          249164 kB
        Cached:          1996056 kB
        SwapCached:            0 kB
        Active:           897280 kB
        Inactive:        1386572 kB
        Active(anon):       2268 kB
        Inactive(anon):    66052 kB
        Active(file):     895012 kB
        Inactive(file):  1320520 kB
        Unevictable:       15652 kB
        Mlocked:           14048 kB
        SwapTotal:             0 kB
        SwapFree:              0 kB
        Zswap:                 0 kB
        Zswapped:              0 kB
        Dirty:               824 kB
        Writeback:             0 kB
        AnonPages:         54336 kB
        Mapped:           104896 kB
        Shmem:             29688 kB
        KReclaimable:     162508 kB
        Slab:             192720 kB
        SReclaimable:     162508 kB
        SUnreclaim:        30212 kB
        KernelStack:        2060 kB
        PageTables:         3032 kB
        CommitLimit:    12365852 kB
        Committed_AS:     399416 kB
        VmallocTotal:   34359738367 kB
        VmallocUsed:        6276 kB
        VmallocChunk:          0 kB
        Percpu:              760 kB
        HugePages_Total:       0
        HugePages_Free:        0
        HugePages_Rsvd:        0
        HugePages_Surp:        0
        Hugepagesize:       2048 kB
        Hugetlb:               0 kB
        DirectMap4k:       20480 kB
        DirectMap2M:     2076672 kB
        DirectMap1G:    25165824 kB

        """;

    /// <summary>A 3.10 kernel (CentOS 7 era): no MemAvailable, with swap.</summary>
    public const string MemInfoWithoutMemAvailable = """
        MemTotal:        8000000 kB
        MemFree:         1000000 kB
        Buffers:          100000 kB
        Cached:          2000000 kB
        SwapCached:            0 kB
        Active:          3000000 kB
        Inactive:        2000000 kB
        Active(file):    1200000 kB
        Inactive(file):   800000 kB
        SwapTotal:       4000000 kB
        SwapFree:        3000000 kB
        Slab:             300000 kB
        SReclaimable:     200000 kB
        SUnreclaim:       100000 kB

        """;

    public const string ZoneInfo = """
        Node 0, zone      DMA
          per-node stats
              nr_inactive_anon 16513
              nr_active_anon 567
          pages free     3840
                min      30
                low      50
                high     70
                spanned  4095
        Node 0, zone    DMA32
          pages free     469282
                min      6136
                low      10227
                high     14318
        Node 0, zone   Normal
          pages free     5063574
                min      6504
                low      10840
                high     15176

        """;

    public const string LoadAvg = "4.32 4.28 3.30 10/241 25378\n";

    public const string NetDev = """
        Inter-|   Receive                                                |  Transmit
         face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
            lo: 10502965    4005    0    0    0     0          0         0 10502965    4005    0    0    0     0       0          0
          ifb0:       0       0    0    0    0     0          0         0        0       0    0    0    0     0       0          0
          eth0: 150943006    6037    0    0    0     0          0         0   376769    4802    0    0    0     0       0          0
        docker0: 2187612   31034    0    0    0     0          0         0 83716239   41247    0    0    0     0       0          0
        veth3f1c2a0: 2622088   31034    0    0    0     0          0         0 83703143   41102    0    0    0     0       0          0

        """;

    public const string Snmp = """
        Ip: Forwarding DefaultTTL InReceives InHdrErrors InAddrErrors ForwDatagrams InUnknownProtos InDiscards InDelivers OutRequests OutDiscards OutNoRoutes ReasmTimeout ReasmReqds ReasmOKs ReasmFails FragOKs FragFails FragCreates OutTransmits
        Ip: 2 64 10038 0 0 0 0 0 10038 8783 0 0 0 0 0 0 0 0 0 8783
        Icmp: InMsgs InErrors InCsumErrors InDestUnreachs InTimeExcds InParmProbs InSrcQuenchs InRedirects InEchos InEchoReps InTimestamps InTimestampReps InAddrMasks InAddrMaskReps OutMsgs OutErrors OutRateLimitGlobal OutRateLimitHost OutDestUnreachs OutTimeExcds OutParmProbs OutSrcQuenchs OutRedirects OutEchos OutEchoReps OutTimestamps OutTimestampReps OutAddrMasks OutAddrMaskReps
        Icmp: 1 0 0 1 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0
        IcmpMsg: InType3
        IcmpMsg: 1
        Tcp: RtoAlgorithm RtoMin RtoMax MaxConn ActiveOpens PassiveOpens AttemptFails EstabResets CurrEstab InSegs OutSegs RetransSegs InErrs OutRsts InCsumErrors
        Tcp: 1 200 120000 -1 122 76 0 8 0 9942 8688 15 0 80 0
        Udp: InDatagrams NoPorts InErrors OutDatagrams RcvbufErrors SndbufErrors InCsumErrors IgnoredMulti MemErrors
        Udp: 95 0 0 96 0 0 0 0 0
        UdpLite: InDatagrams NoPorts InErrors OutDatagrams RcvbufErrors SndbufErrors InCsumErrors IgnoredMulti MemErrors
        UdpLite: 0 0 0 0 0 0 0 0 0

        """;

    /// <summary>Builds /proc/net/snmp with another RetransSegs value.</summary>
    public static string SnmpWithRetransSegs(ulong retransSegs)
        => Snmp.Replace("Tcp: 1 200 120000 -1 122 76 0 8 0 9942 8688 15 0 80 0",
            $"Tcp: 1 200 120000 -1 122 76 0 8 0 9942 8688 {retransSegs} 0 80 0", StringComparison.Ordinal);

    /// <summary>/proc/net/netstat of a 6.1 kernel (MPTcpExt section cut short).</summary>
    public static string Netstat(ulong syncookiesSent = 0, ulong listenOverflows = 0, ulong listenDrops = 0) => $"""
        TcpExt: SyncookiesSent SyncookiesRecv SyncookiesFailed EmbryonicRsts PruneCalled RcvPruned OfoPruned OutOfWindowIcmps LockDroppedIcmps ArpFilter TW TWRecycled TWKilled PAWSActive PAWSEstab BeyondWindow TSEcrRejected PAWSOldAck PAWSTimewait DelayedACKs DelayedACKLocked DelayedACKLost ListenOverflows ListenDrops TCPHPHits TCPPureAcks TCPHPAcks TCPRenoRecovery
        TcpExt: {syncookiesSent} 0 0 0 0 0 0 0 0 0 78 0 0 0 0 0 0 0 0 140 0 23 {listenOverflows} {listenDrops} 526 740 1158 0
        IpExt: InNoRoutes InTruncatedPkts InMcastPkts OutMcastPkts InBcastPkts OutBcastPkts InOctets OutOctets InMcastOctets OutMcastOctets InBcastOctets OutBcastOctets InCsumErrors InNoECTPkts InECT1Pkts InECT0Pkts InCEPkts ReasmOverlaps
        IpExt: 0 0 0 0 0 0 161361241 10810998 0 0 0 0 0 10041 0 0 0 0
        MPTcpExt: MPCapableSYNRX MPCapableSYNTX MPCapableSYNACKRX MPCapableACKRX
        MPTcpExt: 0 0 0 0

        """;

    /// <summary>
    /// /proc/net/tcp on a web server under a small SYN flood: a listener on :80 (0A), an
    /// established connection (01), three half-open requests (03), a TIME_WAIT (06).
    /// </summary>
    public const string Tcp = """
          sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
           0: 00000000:0050 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 24871 1 0000000000000000 100 0 0 10 0
           1: 0100007F:0277 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 19822 1 0000000000000000 100 0 0 10 0
           2: 0F02000A:0050 C6336417:D431 03 00000000:00000000 01:00000064 00000000     0        0 0 0 0000000000000000
           3: 0F02000A:0050 C6336417:8E1F 03 00000000:00000000 01:00000064 00000001     0        0 0 0 0000000000000000
           4: 0F02000A:0050 C6336418:BE02 03 00000000:00000000 01:000000C8 00000000     0        0 0 0 0000000000000000
           5: 0F02000A:0050 0202000A:C5D4 01 00000000:00000000 02:00000A3B 00000000    33        0 31337 2 0000000000000000 20 4 30 10 -1
           6: 020200C0:A6A8 507100CB:0050 06 00000000:00000000 03:000013C4 00000000     0        0 0 3 0000000018da07f8

        """;

    /// <summary>/proc/net/tcp6: a listener on :443, one half-open request, IPv4-mapped TIME_WAITs.</summary>
    public const string Tcp6 = """
          sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
           0: 00000000000000000000000000000000:01BB 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 24875 1 0000000000000000 100 0 0 10 0
           1: 000080FE00000000FF68F5B2A1D2F6FE:01BB 000080FE000000002B1CF0FEFF8A02FE:E3A6 03 00000000:00000000 01:00000064 00000000     0        0 0 0 0000000000000000
           2: 0000000000000000FFFF00000100007F:859C 0000000000000000FFFF00000100007F:9F25 06 00000000:00000000 03:000009E6 00000000     0        0 0 3 000000006a30e9b9
           3: 0000000000000000FFFF00000100007F:85AA 0000000000000000FFFF00000100007F:9F25 06 00000000:00000000 03:000009E6 00000000     0        0 0 3 00000000606e84ed

        """;
}
