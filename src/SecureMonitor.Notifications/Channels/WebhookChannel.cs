using System.Net.Http.Headers;
using System.Text.Json;

namespace SecureMonitor.Notifications;

/// <summary>Where and how the webhook posts. <see cref="ToString"/> never shows the token or the URL's path.</summary>
public sealed class WebhookChannelOptions
{
    /// <summary>The receiver (<c>monitor.notify.webhook-url</c>); checked by <see cref="NotificationEndpoint.Parse"/>.</summary>
    public required Uri Url { get; init; }

    /// <summary>Sent as <c>Authorization: Bearer</c> when set (<c>monitor.notify.webhook-token</c>). Never logged.</summary>
    public string? BearerToken { get; init; }

    /// <summary>Longest wait for the receiver's answer before the attempt counts as failed (and is retried).</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);

    public override string ToString() =>
        $"webhook {NotificationEndpoint.Describe(Url)} token={(string.IsNullOrEmpty(BearerToken) ? "none" : "set")} timeout={Timeout.TotalSeconds:0.#}s";
}

/// <summary>
/// POSTs each notification as JSON (<see cref="IncidentNotification"/>, camelCase, enums as
/// lower-case strings). 2xx is delivered; 408, 429, 5xx, timeouts and connection errors are retried
/// by the dispatcher; other statuses are refused for good (logged and dropped).
/// <para>
/// Headers: <c>Content-Type: application/json</c>, <c>Authorization: Bearer &lt;token&gt;</c> when a
/// token is configured, and <c>Idempotency-Key: &lt;incident&gt;:&lt;version&gt;</c>. A retry after a
/// timeout may reach a receiver that had in fact processed the first attempt; the key (and the
/// body's <c>version</c>) lets it drop such repeats.
/// </para>
/// </summary>
public sealed class WebhookChannel : INotificationChannel
{
    private readonly HttpClient _http;
    private readonly WebhookChannelOptions _options;
    private readonly TimeProvider _time;
    private readonly string _target;

    /// <param name="http">Owned by the caller; see <see cref="NotificationEndpoint.CreateHttpClient"/>.</param>
    /// <param name="time">Measures the request deadline; the system clock by default.</param>
    public WebhookChannel(HttpClient http, WebhookChannelOptions options, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(options);
        NotificationEndpoint.Parse(options.Url.OriginalString, "webhook URL");
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.Timeout, TimeSpan.Zero);
        _http = http;
        _options = options;
        _time = time ?? TimeProvider.System;
        _target = "webhook " + NotificationEndpoint.Describe(options.Url);
    }

    public string Name => "webhook";

    public async Task SendAsync(IncidentNotification notification, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(notification);
        var body = JsonSerializer.SerializeToUtf8Bytes(notification, NotificationJson.Default.IncidentNotification);
        using var request = new HttpRequestMessage(HttpMethod.Post, _options.Url)
        {
            Content = new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
        };
        if (!string.IsNullOrEmpty(_options.BearerToken))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _options.BearerToken);
        }
        request.Headers.TryAddWithoutValidation("Idempotency-Key", $"{notification.IncidentId}:{notification.Version}");
        await HttpDelivery.PostAsync(_http, request, _target, _options.Timeout, _time, cancellationToken).ConfigureAwait(false);
    }
}
