using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;

namespace CeasefireWatch.Web.Features.Notifications;

/// <summary>Notifications' services: the outbox on every save, the sender, its two channels and the webhook client.</summary>
public static class NotificationsRegistration
{
    /// <summary>Tries per webhook round: the first and two retries, 2 s and 4 s later, all well within a minute.</summary>
    public const int WebhookRetries = 2;

    public static readonly TimeSpan WebhookFirstRetryDelay = TimeSpan.FromSeconds(2);

    public static IServiceCollection AddNotifications(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<NotificationOptions>()
            .Bind(configuration.GetSection(NotificationOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();

        services.AddSingleton<NotificationSignal>();
        services.AddSingleton<NotificationOutbox.RulesInForce>();
        services.AddSingleton<NotificationOutbox>();
        // Every registered interceptor joins the context, whichever provider's subclass it is.
        services.AddSingleton<IInterceptor>(sp => sp.GetRequiredService<NotificationOutbox>());

        services.AddScoped<EmailChannel>();
        services.AddScoped<WebhookChannel>();
        services.AddTransient<WebhookTries.Handler>();
        var webhooks = services.AddHttpClient(WebhookChannel.ClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(sp => WebhookAddresses.CreateHandler(
                refusePrivate: !sp.GetRequiredService<IOptions<NotificationOptions>>().Value.AllowPrivateWebhookTargets));
        webhooks.AddResilienceHandler("webhook", (pipeline, context) =>
            {
                var options = context.ServiceProvider.GetRequiredService<IOptions<NotificationOptions>>().Value;

                // Any answer but 2xx, a timeout or a refused connection is tried again; the host stopping is not.
                pipeline.AddRetry(new HttpRetryStrategyOptions
                {
                    MaxRetryAttempts = WebhookRetries,
                    Delay = WebhookFirstRetryDelay,
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = false,

                    // A receiver's Retry-After (an hour, say) would be waited inside the send: the delivery shows no try,
                    // keeps its place, and the third try does not come within the minute CONTRACT.md promises. The quick
                    // tries keep their pace; the sender's stored schedule honours Retry-After once the round has failed.
                    ShouldRetryAfterHeader = false,
                    ShouldHandle = args => ValueTask.FromResult(args.Outcome switch
                    {
                        { Result: { } response } => !response.IsSuccessStatusCode,
                        { Exception: WebhookTries.RuleDeletedException } => false,
                        { Exception: OperationCanceledException } => !args.Context.CancellationToken.IsCancellationRequested,
                        { Exception: not null } => true,
                        _ => false,
                    }),
                });
                pipeline.AddTimeout(options.WebhookAttemptTimeout);
            });

        // Added after the resilience handler, so it sits inside it and sees every try.
        webhooks.AddHttpMessageHandler<WebhookTries.Handler>();

        services.AddHostedService<NotificationSender>();
        return services;
    }
}
