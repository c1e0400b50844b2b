using System.Security.Cryptography.X509Certificates;

namespace SecureMonitor.Pki.Tests;

/// <summary>A freshly initialised PKI directory in a temporary folder, on a fake clock.</summary>
internal sealed class PkiFixture : IDisposable
{
    public PkiFixture(string caName = "test", params string[] monitorNames)
    {
        Root = Path.Combine(Path.GetTempPath(), "smpki-" + Guid.NewGuid().ToString("N"));
        Pki = new PkiDirectory(Root, Clock);
        InitResult = Pki.Init(caName, monitorNames);
    }

    public FakeTimeProvider Clock { get; } = new();
    public string Root { get; }
    public PkiDirectory Pki { get; }
    public InitResult InitResult { get; }
    public PkiPaths Paths => Pki.Paths;

    public X509Certificate2 LoadCa() => X509Certificate2.CreateFromPem(File.ReadAllText(Paths.CaCertificate));

    public X509Certificate2 LoadMonitorCertificate() => X509Certificate2.CreateFromPemFile(Paths.MonitorCertificate, Paths.MonitorKey);

    public IdentityBundle IssueAndLoadWatcher(string hostId) => IdentityBundle.Load(Pki.IssueWatcher(hostId).BundleDirectory);

    public FileKeyring OpenKeyring() => FileKeyring.Open(Paths, Clock, TimeSpan.FromSeconds(5));

    public ClientCertificateValidator ClientValidator(IRevocationList? revocations = null) =>
        new(LoadCa(), revocations ?? OpenKeyring());

    public void Dispose()
    {
        if (Directory.Exists(Root)) Directory.Delete(Root, recursive: true);
    }
}
