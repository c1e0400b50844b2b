namespace SecureMonitor.Notifications;

/// <summary>
/// Checks and describes the URLs notifications go to. A URL may itself be a secret (chat webhooks
/// often carry a token in the path or query), so logs and errors show only scheme, host and port.
/// Credentials in the URL's user-info part are refused: the webhook token has its own setting,
/// which is sent as a bearer token and never logged.
/// </summary>
public static class NotificationEndpoint
{
    /// <summary>Parses an absolute http(s) URL without user info; <paramref name="setting"/> names it in errors.</summary>
    public static Uri Parse(string value, string setting)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!Uri.TryCreate(value.Trim(), UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new FormatException($"{setting} must be an absolute http:// or https:// URL");
        }
        if (uri.UserInfo.Length > 0)
        {
            throw new FormatException($"{setting} must not carry credentials in the URL; use the token setting instead");
        }
        if (uri.Fragment.Length > 0)
        {
            throw new FormatException($"{setting} must not have a fragment (#...)");
        }
        return uri;
    }

    /// <summary><c>https://host:port</c>: enough to find the receiver, nothing that could be a secret.</summary>
    public static string Describe(Uri uri) => $"{uri.Scheme}://{uri.Host}:{uri.Port}";

    /// <summary>
    /// An <see cref="HttpClient"/> for notifications: no redirects (a redirect could carry the
    /// bearer token elsewhere; a 3xx is reported as a configuration error), a short connect timeout,
    /// and connections recycled so DNS changes of the receiver are followed.
    /// </summary>
    public static HttpClient CreateHttpClient() => new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        ConnectTimeout = TimeSpan.FromSeconds(5),
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
    });
}
