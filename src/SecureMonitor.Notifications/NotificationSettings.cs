using System.Globalization;
using Microsoft.Extensions.Logging;

namespace SecureMonitor.Notifications;

/// <summary>
/// The <c>monitor.notify</c> settings and the channels they turn on. Read through a lookup so this
/// assembly needs no configuration package: <c>NotificationSettings.Read(key =&gt; configuration[key])</c>.
/// <see cref="ToString"/> shows neither the token nor the URLs' paths (which may hold secrets).
/// </summary>
public sealed class NotificationSettings
{
    public const string WebhookUrlKey = "monitor:notify:webhook-url";
    public const string WebhookTokenKey = "monitor:notify:webhook-token";
    public const string AlertmanagerUrlKey = "monitor:notify:alertmanager-url";
    public const string QueueSizeKey = "monitor:notify:queue-size";

    /// <summary>Null: no webhook.</summary>
    public Uri? WebhookUrl { get; init; }

    /// <summary>Sent as a bearer token to the webhook; a secret (never logged, never in notifications).</summary>
    public string? WebhookToken { get; init; }

    /// <summary>Null: no Alertmanager.</summary>
    public Uri? AlertmanagerUrl { get; init; }

    public int QueueSize { get; init; } = 1_000;

    /// <summary>Reads and checks the settings; empty URLs turn their channel off. Errors name the key, never the value.</summary>
    public static NotificationSettings Read(Func<string, string?> lookup)
    {
        ArgumentNullException.ThrowIfNull(lookup);
        var queueText = lookup(QueueSizeKey);
        var queueSize = 1_000;
        if (!string.IsNullOrWhiteSpace(queueText)
            && (!int.TryParse(queueText, NumberStyles.None, CultureInfo.InvariantCulture, out queueSize) || queueSize < 1))
        {
            throw new FormatException($"{Dotted(QueueSizeKey)} must be a positive whole number");
        }
        var token = lookup(WebhookTokenKey);
        return new NotificationSettings
        {
            WebhookUrl = Url(lookup, WebhookUrlKey),
            WebhookToken = string.IsNullOrEmpty(token) ? null : token,
            AlertmanagerUrl = Url(lookup, AlertmanagerUrlKey),
            QueueSize = queueSize,
        };
    }

    /// <summary>The log channel always; the webhook and Alertmanager when their URL is set.</summary>
    /// <param name="http">Shared by the HTTP channels and owned by the caller; see <see cref="NotificationEndpoint.CreateHttpClient"/>.</param>
    public IReadOnlyList<INotificationChannel> CreateChannels(HttpClient http, ILoggerFactory loggers)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(loggers);
        var channels = new List<INotificationChannel> { new LogNotificationChannel(loggers.CreateLogger<LogNotificationChannel>()) };
        if (WebhookUrl is not null)
        {
            channels.Add(new WebhookChannel(http, new WebhookChannelOptions { Url = WebhookUrl, BearerToken = WebhookToken }));
        }
        if (AlertmanagerUrl is not null)
        {
            channels.Add(new AlertmanagerChannel(http, new AlertmanagerChannelOptions { BaseUrl = AlertmanagerUrl }));
        }
        return channels;
    }

    public NotificationDispatcherOptions DispatcherOptions() => new() { QueueCapacity = QueueSize };

    public override string ToString() =>
        $"webhook={(WebhookUrl is null ? "off" : NotificationEndpoint.Describe(WebhookUrl))} "
        + $"token={(WebhookToken is null ? "none" : "set")} "
        + $"alertmanager={(AlertmanagerUrl is null ? "off" : NotificationEndpoint.Describe(AlertmanagerUrl))} queue={QueueSize}";

    private static Uri? Url(Func<string, string?> lookup, string key)
    {
        var text = lookup(key);
        return string.IsNullOrWhiteSpace(text) ? null : NotificationEndpoint.Parse(text, Dotted(key));
    }

    private static string Dotted(string key) => key.Replace(':', '.');
}
