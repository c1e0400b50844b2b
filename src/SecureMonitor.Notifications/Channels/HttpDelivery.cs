using System.Net;
using System.Net.Http.Headers;

namespace SecureMonitor.Notifications;

/// <summary>One HTTP POST with a deadline, and what its outcome means for retrying.</summary>
internal static class HttpDelivery
{
    private static readonly ProductInfoHeaderValue UserAgent = new("SecureMonitor", "1");

    /// <summary>
    /// Sends <paramref name="request"/> within <paramref name="timeout"/> (measured on
    /// <paramref name="time"/>). 2xx returns; 408, 429 and 5xx, timeouts and connection errors
    /// throw <see cref="NotificationDeliveryException"/> (retry); any other status, 3xx included
    /// since redirects are not followed, throws <see cref="NotificationRejectedException"/> (drop).
    /// Response bodies are never read into logs: a receiver could echo what it was sent.
    /// </summary>
    public static async Task PostAsync(HttpClient http, HttpRequestMessage request, string target,
        TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        request.Headers.UserAgent.Add(UserAgent);
        using var deadline = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token)
                .ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // Our deadline or the HttpClient's own timeout.
            throw new NotificationDeliveryException($"{target} did not answer within {timeout.TotalSeconds:0.#} s");
        }
        catch (HttpRequestException ex)
        {
            // HttpRequestError names the failure without echoing anything that was sent.
            throw new NotificationDeliveryException($"{target} unreachable ({ex.HttpRequestError})", ex);
        }

        using (response)
        {
            var status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode)
            {
                return;
            }
            if (status >= 500 || response.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests)
            {
                throw new NotificationDeliveryException($"{target} answered HTTP {status}");
            }
            throw new NotificationRejectedException($"{target} refused the notification with HTTP {status}");
        }
    }
}
