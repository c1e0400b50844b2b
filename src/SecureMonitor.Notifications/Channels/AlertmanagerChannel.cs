using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace SecureMonitor.Notifications;

/// <summary>Where the Alertmanager is and how long an open incident stays active there unrefreshed.</summary>
public sealed class AlertmanagerChannelOptions
{
    /// <summary>Base URL (<c>monitor.notify.alertmanager-url</c>), e.g. <c>http://127.0.0.1:9093</c>.</summary>
    public required Uri BaseUrl { get; init; }

    /// <summary>Longest wait for Alertmanager's answer before the attempt counts as failed (and is retried).</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How often the monitor must re-send every open incident (<c>NotificationDispatcher.Refresh</c>).</summary>
    public TimeSpan RefreshInterval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How far ahead of now an open incident's <c>endsAt</c> is set: the alert stays active this long
    /// without a refresh. Default four refresh intervals (as Prometheus does), so three refreshes
    /// may be lost before it lapses; must exceed <see cref="RefreshInterval"/>.
    /// </summary>
    public TimeSpan? ActiveFor { get; init; }

    /// <summary>Optional link back to the incident (the alert's <c>generatorURL</c>), e.g. the admin console.</summary>
    public Uri? GeneratorUrl { get; init; }

    /// <summary>Hosts listed in the <c>hosts</c> annotation; the rest are counted ("+N more").</summary>
    public int MaxHostsInAnnotation { get; init; } = 50;

    internal TimeSpan EffectiveActiveFor => ActiveFor ?? RefreshInterval * 4;

    public override string ToString() => $"alertmanager {NotificationEndpoint.Describe(BaseUrl)}";
}

/// <summary>
/// Tells Prometheus Alertmanager (API v2), so operators keep their routes, grouping and silences:
/// <c>POST {base}/api/v2/alerts</c> with one alert per incident:
/// <code>
/// labels       alertname=SecureMonitorDoS, incident=&lt;id&gt;, severity, kind=&lt;kinds, sorted, comma-joined&gt;, monitor=&lt;node&gt;
/// annotations  summary=&lt;title&gt;, description=&lt;summary&gt;, hosts=&lt;comma list&gt;, metrics=&lt;k=v, ...&gt;,
///              state, change, version, acknowledged_by, note (when set)
/// startsAt     the incident's OpenedAt (RFC 3339, UTC)
/// endsAt       resolutions: ResolvedAt, so Alertmanager resolves the alert at once;
///              open/acknowledged: now + ActiveFor (default 4 min)
/// </code>
/// <para>
/// <b>Keeping open incidents active.</b> Alertmanager resolves an alert whose <c>endsAt</c> has
/// passed, or, without one, after its <c>resolve_timeout</c> (5 min by default). We always set
/// <c>endsAt</c> to now + <see cref="AlertmanagerChannelOptions.ActiveFor"/> and the monitor calls
/// <c>NotificationDispatcher.Refresh</c> for every open incident each
/// <see cref="RefreshInterval"/>, which re-sends it here only (webhook and log are told once per
/// change). So an open incident stays active as long as a monitor owns it, and if the monitor
/// cluster dies, its alerts lapse after <c>ActiveFor</c> instead of firing forever.
/// </para>
/// <para>
/// <b>Identity.</b> Alertmanager identifies an alert by its label set. When a change alters the
/// labels (severity raised, a kind added), the same POST also ends the alert under the previous
/// labels, so an incident never shows twice. The previous labels are remembered in memory only:
/// after a monitor failover the new leader's labels differ in <c>monitor</c>, and the old
/// leader's alert lapses within <c>ActiveFor</c> since nobody refreshes it.
/// </para>
/// </summary>
public sealed class AlertmanagerChannel : IRefreshingChannel
{
    public const string AlertName = "SecureMonitorDoS";

    private readonly HttpClient _http;
    private readonly AlertmanagerChannelOptions _options;
    private readonly TimeProvider _time;
    private readonly Uri _alertsUrl;
    private readonly string _target;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, IReadOnlyDictionary<string, string>> _lastLabels = new(StringComparer.Ordinal);

    /// <param name="http">Owned by the caller; see <see cref="NotificationEndpoint.CreateHttpClient"/>.</param>
    /// <param name="time">Gives "now" for <c>endsAt</c> and measures the request deadline; the
    /// system clock by default (Alertmanager compares <c>endsAt</c> with its own, real clock).</param>
    public AlertmanagerChannel(HttpClient http, AlertmanagerChannelOptions options, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(options);
        NotificationEndpoint.Parse(options.BaseUrl.OriginalString, "Alertmanager URL");
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.Timeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.RefreshInterval, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.EffectiveActiveFor, options.RefreshInterval);
        ArgumentOutOfRangeException.ThrowIfNegative(options.MaxHostsInAnnotation);
        _http = http;
        _options = options;
        _time = time ?? TimeProvider.System;
        var basePath = options.BaseUrl.GetLeftPart(UriPartial.Path).TrimEnd('/');
        _alertsUrl = new Uri(basePath + "/api/v2/alerts", UriKind.Absolute);
        _target = "alertmanager " + NotificationEndpoint.Describe(options.BaseUrl);
    }

    public string Name => "alertmanager";

    public TimeSpan RefreshInterval => _options.RefreshInterval;

    public async Task SendAsync(IncidentNotification notification, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(notification);
        var now = _time.GetUtcNow();
        var alert = ToAlert(notification, now);
        var alerts = new List<PostableAlert> { alert };
        IReadOnlyDictionary<string, string>? previous;
        lock (_gate)
        {
            _lastLabels.TryGetValue(notification.IncidentId, out previous);
        }
        if (previous is not null && !SameLabels(previous, alert.Labels))
        {
            // End the alert under its old identity; startsAt is kept, endsAt = now (never before startsAt).
            alerts.Add(alert with { Labels = previous, EndsAt = Rfc3339(now < notification.OpenedAt ? notification.OpenedAt : now) });
        }

        var body = JsonSerializer.SerializeToUtf8Bytes(alerts, NotificationJson.Default.IReadOnlyListPostableAlert);
        using var request = new HttpRequestMessage(HttpMethod.Post, _alertsUrl)
        {
            Content = new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
        };
        await HttpDelivery.PostAsync(_http, request, _target, _options.Timeout, _time, cancellationToken).ConfigureAwait(false);

        lock (_gate)
        {
            if (notification.State == IncidentState.Resolved)
            {
                _lastLabels.Remove(notification.IncidentId);
            }
            else
            {
                _lastLabels[notification.IncidentId] = alert.Labels;
            }
        }
    }

    /// <summary>The Alertmanager alert for a notification, as of <paramref name="now"/>.</summary>
    internal PostableAlert ToAlert(IncidentNotification n, DateTimeOffset now)
    {
        // Alertmanager drops labels with empty values, which would merge identities: never send one.
        var labels = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["alertname"] = AlertName,
            ["incident"] = n.IncidentId,
            ["severity"] = NonEmpty(n.Severity?.Trim().ToLowerInvariant(), IncidentNotification.SeverityWarning),
            ["kind"] = NonEmpty(string.Join(",", n.Kinds.Where(k => !string.IsNullOrWhiteSpace(k)).Order(StringComparer.Ordinal)), "unknown"),
            ["monitor"] = n.MonitorNode,
        };

        var annotations = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["summary"] = NonEmpty(n.Title, $"SecureMonitor DoS incident {n.IncidentId}"),
            ["state"] = StateName(n.State),
            ["change"] = ChangeName(n.Change),
            ["version"] = n.Version.ToString(CultureInfo.InvariantCulture),
        };
        AddIfSet(annotations, "description", n.Summary);
        AddIfSet(annotations, "hosts", HostList(n.Hosts));
        AddIfSet(annotations, "metrics", string.Join(", ", n.Metrics.OrderBy(m => m.Key, StringComparer.Ordinal)
            .Select(m => $"{m.Key}={m.Value.ToString("G", CultureInfo.InvariantCulture)}")));
        AddIfSet(annotations, "acknowledged_by", n.AcknowledgedBy);
        AddIfSet(annotations, "note", n.Note);

        var startsAt = n.OpenedAt;
        var endsAt = n.State == IncidentState.Resolved ? n.ResolvedAt ?? n.ChangedAt : now + _options.EffectiveActiveFor;
        if (endsAt < startsAt)
        {
            endsAt = startsAt; // Alertmanager refuses endsAt before startsAt (clock skew between nodes)
        }
        return new PostableAlert(labels, annotations, Rfc3339(startsAt), Rfc3339(endsAt), _options.GeneratorUrl?.AbsoluteUri);
    }

    private string HostList(IReadOnlyList<string> hosts)
    {
        var max = _options.MaxHostsInAnnotation;
        var listed = string.Join(",", hosts.Take(max));
        return hosts.Count > max ? $"{listed} (+{hosts.Count - max} more)" : listed;
    }

    private static bool SameLabels(IReadOnlyDictionary<string, string> a, IReadOnlyDictionary<string, string> b) =>
        a.Count == b.Count && a.All(pair => b.TryGetValue(pair.Key, out var value) && value == pair.Value);

    private static void AddIfSet(IDictionary<string, string> target, string key, string? value)
    {
        if (!string.IsNullOrWhiteSpace(value))
        {
            target[key] = value;
        }
    }

    private static string NonEmpty(string? value, string fallback) => string.IsNullOrWhiteSpace(value) ? fallback : value;

    private static string StateName(IncidentState state) => state switch
    {
        IncidentState.Open => "open",
        IncidentState.Acknowledged => "acknowledged",
        _ => "resolved",
    };

    private static string ChangeName(IncidentChange change) => change switch
    {
        IncidentChange.Opened => "opened",
        IncidentChange.Grew => "grew",
        IncidentChange.Acknowledged => "acknowledged",
        _ => "resolved",
    };

    internal static string Rfc3339(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}

/// <summary>One element of Alertmanager API v2's <c>postableAlerts</c>.</summary>
internal sealed record PostableAlert(
    [property: JsonPropertyName("labels")] IReadOnlyDictionary<string, string> Labels,
    [property: JsonPropertyName("annotations")] IReadOnlyDictionary<string, string> Annotations,
    [property: JsonPropertyName("startsAt")] string StartsAt,
    [property: JsonPropertyName("endsAt")] string EndsAt,
    [property: JsonPropertyName("generatorURL")] string? GeneratorUrl);
