using System.ComponentModel.DataAnnotations;
using MailKit.Security;

namespace CeasefireWatch.Web.Features.Notifications;

/// <summary>The <c>Notifications</c> configuration section. Nothing in it is required: without SMTP, email rules record "SMTP not configured".</summary>
public sealed class NotificationOptions : IValidatableObject
{
    public const string Section = "Notifications";

    /// <summary>The address links in notifications point to, e.g. <c>https://ceasefirewatch.example.org</c>.</summary>
    public string? PublicBaseUrl { get; set; }

    /// <summary>How long the sender keeps retrying a delivery before marking it failed.</summary>
    public TimeSpan GiveUpAfter { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How long one webhook try may take before it counts as failed (and is retried).</summary>
    public TimeSpan WebhookAttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Whether webhooks may call loopback, private and other addresses that are not globally reachable (link-local never).
    /// On by default: a receiver on the same machine or network is a real use. Off, a Supervisor cannot point the server
    /// at its own network (WebhookAddresses).
    /// </summary>
    public bool AllowPrivateWebhookTargets { get; set; } = true;

    public SmtpOptions Smtp { get; set; } = new();

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!string.IsNullOrWhiteSpace(PublicBaseUrl)
            && !(Uri.TryCreate(PublicBaseUrl, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
        {
            yield return new ValidationResult(
                $"Notifications:PublicBaseUrl must be an absolute http(s) address such as https://watch.example.org; it is \"{PublicBaseUrl}\".",
                [nameof(PublicBaseUrl)]);
        }

        if (GiveUpAfter <= TimeSpan.Zero)
        {
            yield return new ValidationResult($"Notifications:GiveUpAfter must be a positive TimeSpan such as 1.00:00:00; it is {GiveUpAfter}.", [nameof(GiveUpAfter)]);
        }

        if (WebhookAttemptTimeout <= TimeSpan.Zero || WebhookAttemptTimeout > TimeSpan.FromMinutes(5))
        {
            yield return new ValidationResult(
                $"Notifications:WebhookAttemptTimeout must be between 00:00:00.001 and 00:05:00; it is {WebhookAttemptTimeout}.", [nameof(WebhookAttemptTimeout)]);
        }

        if (Smtp.IsConfigured)
        {
            if (Smtp.Port is < 1 or > 65535)
            {
                yield return new ValidationResult($"Notifications:Smtp:Port must be from 1 to 65535; it is {Smtp.Port}.", ["Smtp.Port"]);
            }

            if (!MimeKit.MailboxAddress.TryParse(Smtp.From, out _) || Smtp.From?.Contains('@', StringComparison.Ordinal) != true)
            {
                yield return new ValidationResult(
                    $"Notifications:Smtp:From must be an email address such as ceasefirewatch@example.org when Notifications:Smtp:Host is set; it is \"{Smtp.From}\".",
                    ["Smtp.From"]);
            }
        }
    }
}

/// <summary>The SMTP server email notifications go through.</summary>
public sealed class SmtpOptions
{
    /// <summary>Empty: email is not configured (the app still starts; email deliveries record why they wait).</summary>
    public string? Host { get; set; }

    public int Port { get; set; } = 25;

    public string? From { get; set; }

    /// <summary>Optional: sign in with these when both are set.</summary>
    public string? UserName { get; set; }

    public string? Password { get; set; }

    /// <summary>MailKit's choice: <c>Auto</c> (STARTTLS when offered; TLS on port 465), <c>None</c>, <c>SslOnConnect</c>, <c>StartTls</c>, <c>StartTlsWhenAvailable</c>.</summary>
    public SecureSocketOptions SecureSocketOptions { get; set; } = SecureSocketOptions.Auto;

    public bool IsConfigured => !string.IsNullOrWhiteSpace(Host);
}
