using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using CeasefireWatch.Web.Data;
using MailKit.Net.Smtp;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MimeKit;

namespace CeasefireWatch.Web.Features.Notifications;

/// <summary>
/// What one send got: delivered or not, how many tries it took, the last answer, and whether the rule was deleted between
/// two tries (the rest were then not made).
/// </summary>
/// <para><paramref name="RetryAfter"/>: how long the receiver asked to be left alone (a webhook's <c>Retry-After</c>).</para>
public sealed record DeliveryOutcome(bool Delivered, int Tries, string Answer, bool Withdrawn = false, TimeSpan? RetryAfter = null);

/// <summary>Email through the configured SMTP server, with MailKit: a text and an HTML part.</summary>
public sealed class EmailChannel(IOptions<NotificationOptions> options, TimeProvider clock)
{
    public const string NotConfigured = "SMTP not configured: set Notifications:Smtp:Host, Port and From.";

    /// <summary>
    /// The longest one email's whole exchange may take. MailKit's <see cref="Timeout"/> bounds each read, so a server
    /// sending a byte now and then (a broken relay, a tarpit) held the send, and its rule's place among the sender's
    /// concurrent sends, for ever; a healthy one answers in seconds.
    /// </summary>
    public static readonly TimeSpan SendLimit = TimeSpan.FromMinutes(2);

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public async Task<DeliveryOutcome> SendAsync(NotificationMessage message, NotificationRule rule, CancellationToken cancellationToken)
    {
        var smtp = options.Value.Smtp;
        if (!smtp.IsConfigured)
        {
            return new DeliveryOutcome(false, 1, NotConfigured);
        }

        var mail = new MimeMessage();
        mail.From.Add(MailboxAddress.Parse(smtp.From!));
        mail.To.Add(MailboxAddress.Parse(rule.Target));
        mail.Subject = message.EmailSubject;
        mail.MessageId = $"{message.Delivery.Id:N}@ceasefirewatch";
        mail.Headers.Add("X-CeasefireWatch-Delivery", message.Delivery.Id.ToString());
        mail.Body = new BodyBuilder { TextBody = message.EmailText(), HtmlBody = message.EmailHtml() }.ToMessageBody();

        var server = $"SMTP {smtp.Host}:{smtp.Port.ToString(CultureInfo.InvariantCulture)}";
        using var limit = new CancellationTokenSource(SendLimit, clock);
        using var send = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, limit.Token);
        try
        {
            using var client = new SmtpClient { Timeout = (int)Timeout.TotalMilliseconds };
            await client.ConnectAsync(smtp.Host!, smtp.Port, smtp.SecureSocketOptions, send.Token);
            if (!string.IsNullOrEmpty(smtp.UserName) && !string.IsNullOrEmpty(smtp.Password))
            {
                await client.AuthenticateAsync(smtp.UserName, smtp.Password, send.Token);
            }

            var answer = await client.SendAsync(mail, send.Token);
            await client.DisconnectAsync(quit: true, send.Token);
            return new DeliveryOutcome(true, 1, $"{server} accepted: {answer}");
        }
        catch (OperationCanceledException) when (limit.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return new DeliveryOutcome(false, 1, $"{server}: the exchange did not finish within {SendLimit.TotalMinutes.ToString(CultureInfo.InvariantCulture)} min; given up.");
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return new DeliveryOutcome(false, 1, $"{server}: {ex.GetType().Name}: {ex.Message}");
        }
    }
}

/// <summary>
/// A signed JSON POST. The HTTP client's resilience pipeline (registered with the client) retries a non-2xx answer,
/// a timeout or a refused connection a few times within seconds; <see cref="WebhookTries"/> counts each try.
/// </summary>
public sealed class WebhookChannel(IHttpClientFactory clients, TimeProvider clock)
{
    public const string ClientName = "webhooks";
    public const string EventHeader = "X-CeasefireWatch-Event";
    public const string DeliveryHeader = "X-CeasefireWatch-Delivery";
    public const string SignatureHeader = "X-CeasefireWatch-Signature";

    /// <summary><c>sha256=</c> and the lower-case hex HMAC-SHA256 of <paramref name="body"/>, keyed with the secret as UTF-8.</summary>
    public static string Sign(byte[] body, string secret) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    public async Task<DeliveryOutcome> SendAsync(NotificationMessage message, NotificationRule rule, CancellationToken cancellationToken)
    {
        var body = message.WebhookBody();
        using var request = new HttpRequestMessage(HttpMethod.Post, rule.Target)
        {
            Content = new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" } } },
        };
        request.Headers.Add(EventHeader, message.EventName);
        request.Headers.Add(DeliveryHeader, message.Delivery.Id.ToString());
        request.Headers.Add(SignatureHeader, Sign(body, rule.Secret ?? string.Empty));
        request.Headers.UserAgent.Add(new ProductInfoHeaderValue("CeasefireWatch", "1.0"));
        var tries = new WebhookTries(rule.Id);
        request.Options.Set(WebhookTries.Key, tries);

        var client = clients.CreateClient(ClientName);
        try
        {
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            return new DeliveryOutcome(
                response.IsSuccessStatusCode, Math.Max(1, tries.Count), Describe(response),
                RetryAfter: response.IsSuccessStatusCode ? null : RetryAfter(response, clock.GetUtcNow()));
        }
        catch (WebhookTries.RuleDeletedException)
        {
            return new DeliveryOutcome(false, tries.Count, $"Not tried again: the rule was deleted (last answer: {tries.LastAnswer ?? "none"}).", Withdrawn: true);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return new DeliveryOutcome(false, Math.Max(1, tries.Count), tries.LastAnswer ?? $"{ex.GetType().Name}: {ex.Message}");
        }
    }

    /// <summary>The answer's <c>Retry-After</c> as a wait from <paramref name="now"/> (seconds, or an HTTP date); null when none or past.</summary>
    internal static TimeSpan? RetryAfter(HttpResponseMessage response, DateTimeOffset now) =>
        response.Headers.RetryAfter switch
        {
            { Delta: { } delta } when delta > TimeSpan.Zero => delta,
            { Date: { } date } when date > now => date - now,
            _ => null,
        };

    internal static string Describe(HttpResponseMessage response) =>
        $"HTTP {((int)response.StatusCode).ToString(CultureInfo.InvariantCulture)} {response.ReasonPhrase}".TrimEnd();
}

/// <summary>
/// Counts the tries the resilience pipeline makes for one request of <paramref name="ruleId"/>, and what the last one
/// got; and stops them when the rule is deleted in between.
/// </summary>
public sealed class WebhookTries(int ruleId)
{
    public static readonly HttpRequestOptionsKey<WebhookTries> Key = new("CeasefireWatch.WebhookTries");

    private int count;

    public int RuleId { get; } = ruleId;

    public int Count => count;

    public string? LastAnswer { get; private set; }

    /// <summary>Thrown instead of a try once the rule is deleted; the retry does not handle it.</summary>
    public sealed class RuleDeletedException() : Exception("The notification rule was deleted.");

    /// <summary>Sits inside the retry, next to the network, so it sees every try.</summary>
    public sealed class Handler(IServiceScopeFactory scopes) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.Options.TryGetValue(Key, out var tries);
            if (tries is not null)
            {
                // The retries of a failing receiver span seconds; a Supervisor who deletes its rule meanwhile has been
                // told 204, and no POST may follow. One read by key before each try.
                if (await IsDeletedAsync(tries.RuleId, cancellationToken))
                {
                    throw new RuleDeletedException();
                }

                Interlocked.Increment(ref tries.count);
            }

            try
            {
                var response = await base.SendAsync(request, cancellationToken);
                tries?.LastAnswer = WebhookChannel.Describe(response);
                return response;
            }
            catch (Exception ex)
            {
                tries?.LastAnswer = ex is OperationCanceledException ? "No answer within the time allowed." : $"{ex.GetType().Name}: {ex.Message}";
                throw;
            }
        }

        private async Task<bool> IsDeletedAsync(int id, CancellationToken cancellationToken)
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            return await db.Set<NotificationRule>().AnyAsync(r => r.Id == id && r.DeletedAt != null, cancellationToken);
        }
    }
}
