using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace SecureMonitor.Sampling.Tcp;

/// <summary>
/// Counts this network namespace's TCP sockets in SYN_RECV (IPv4 and IPv6) through netlink's
/// sock_diag, as <c>ss -tan state syn-recv</c> does: the kernel filters by state and sends only those
/// sockets, so an idle host costs two small round trips instead of a walk of the whole connection
/// table that reading /proc/net/tcp makes (about 1.9 ms of CPU per file here, every second).
/// Needs no privilege. Returns false where netlink is unavailable (not Linux, a seccomp filter), and
/// the caller reads the files instead. One instance per sampler: its buffers are reused every second.
/// </summary>
internal sealed class NetlinkSynRecvCounter
{
    private const int AfNetlink = 16;
    private const int SockDgram = 2;
    private const int SockCloexec = 0x80000;
    private const int NetlinkSockDiag = 4;
    private const ushort SockDiagByFamily = 20;
    private const ushort NlmsgError = 2;
    private const ushort NlmsgDone = 3;
    private const ushort NlmFRequest = 0x1;
    private const ushort NlmFDump = 0x300;
    private const byte IpProtoTcp = 6;
    private const int HeaderBytes = 16;
    private const int RequestBytes = HeaderBytes + 56;

    // TCP_SYN_RECV (3), and TCP_NEW_SYN_RECV (12): how current kernels keep requests still in a listener's SYN queue.
    private const uint SynRecvStates = (1u << 3) | (1u << 12);

    private readonly byte[] request = new byte[RequestBytes];
    private readonly byte[] kernel = new byte[12]; // sockaddr_nl: the kernel is pid 0
    private readonly byte[] buffer = new byte[8 * 1024];

    public bool TryCount(out int count)
    {
        count = 0;
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }
        var socket = Socket(AfNetlink, SockDgram | SockCloexec, NetlinkSockDiag);
        if (socket < 0)
        {
            return false;
        }
        try
        {
            return TryCountFamily(socket, family: 2, seq: 1, ref count) && TryCountFamily(socket, family: 10, seq: 2, ref count);
        }
        finally
        {
            Close(socket);
        }
    }

    private bool TryCountFamily(int socket, byte family, uint seq, ref int count)
    {
        Array.Clear(request);
        BinaryPrimitives.WriteUInt32LittleEndian(request, RequestBytes);
        BinaryPrimitives.WriteUInt16LittleEndian(request.AsSpan(4), SockDiagByFamily);
        BinaryPrimitives.WriteUInt16LittleEndian(request.AsSpan(6), NlmFRequest | NlmFDump);
        BinaryPrimitives.WriteUInt32LittleEndian(request.AsSpan(8), seq);
        request[HeaderBytes] = family;
        request[HeaderBytes + 1] = IpProtoTcp;
        BinaryPrimitives.WriteUInt32LittleEndian(request.AsSpan(HeaderBytes + 4), SynRecvStates);

        BinaryPrimitives.WriteUInt16LittleEndian(kernel, AfNetlink);
        if (SendTo(socket, request, RequestBytes, 0, kernel, kernel.Length) != RequestBytes)
        {
            return false;
        }

        while (true)
        {
            var received = Recv(socket, buffer, buffer.Length, 0);
            if (received <= 0)
            {
                return false;
            }
            for (var offset = 0; offset + HeaderBytes <= received;)
            {
                var length = (int)BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(offset));
                var type = BinaryPrimitives.ReadUInt16LittleEndian(buffer.AsSpan(offset + 4));
                if (length < HeaderBytes || offset + length > received)
                {
                    return false;
                }
                switch (type)
                {
                    case NlmsgDone:
                        return true;
                    case NlmsgError:
                        return false;
                    case SockDiagByFamily:
                        count++;
                        break;
                }
                offset += (length + 3) & ~3;
            }
        }
    }

    [DllImport("libc", EntryPoint = "socket", SetLastError = true)]
    private static extern int Socket(int domain, int type, int protocol);

    [DllImport("libc", EntryPoint = "sendto", SetLastError = true)]
    private static extern nint SendTo(int socket, byte[] buffer, nint length, int flags, byte[] address, int addressLength);

    [DllImport("libc", EntryPoint = "recv", SetLastError = true)]
    private static extern nint Recv(int socket, byte[] buffer, nint length, int flags);

    [DllImport("libc", EntryPoint = "close", SetLastError = true)]
    private static extern int Close(int socket);
}
