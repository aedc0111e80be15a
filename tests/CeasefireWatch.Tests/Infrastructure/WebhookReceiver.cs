using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace CeasefireWatch.Tests.Infrastructure;

/// <summary>
/// A real HTTP receiver on a loopback port: it records every request (headers and raw body) and answers with the
/// next status of its script, then 200 for ever.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly ConcurrentQueue<int> script;
    private readonly TaskCompletionSource released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int hanging;

    private WebhookReceiver(int port, IEnumerable<int> statuses)
    {
        script = new ConcurrentQueue<int>(statuses);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, port));
        app = builder.Build();
        app.MapPost("/hook", async (HttpContext context) =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            Received.Enqueue(new Request(
                context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
                body.ToArray()));
            var status = script.TryDequeue(out var scripted) ? scripted : 200;
            if (RetryAfter is { } retryAfter && status >= 300)
            {
                context.Response.Headers.RetryAfter = retryAfter;
            }

            return Results.StatusCode(status);
        });

        // A receiver that takes the POST and never answers, until released or the caller gives up.
        app.MapPost("/hang", async (HttpContext context) =>
        {
            Interlocked.Increment(ref hanging);
            await Task.WhenAny(released.Task, Task.Delay(Timeout.Infinite, context.RequestAborted));
            return Results.StatusCode(200);
        });

        // A receiver that sends the POST on elsewhere (307 keeps the method): a webhook must not follow it.
        app.MapPost("/moved", () => Results.Redirect("/hook", permanent: false, preserveMethod: true));
        Port = port;
    }

    public sealed record Request(IReadOnlyDictionary<string, string> Headers, byte[] Body)
    {
        public string Header(string name) => Headers.TryGetValue(name, out var value) ? value : string.Empty;
    }

    public int Port { get; }

    /// <summary>When set, every answer but 2xx carries this <c>Retry-After</c> (seconds, or an HTTP date).</summary>
    public string? RetryAfter { get; set; }

    public string Url => $"http://127.0.0.1:{Port}/hook";

    /// <summary>Answers 307 Temporary Redirect to <see cref="Url"/>.</summary>
    public string RedirectingUrl => $"http://127.0.0.1:{Port}/moved";

    public ConcurrentQueue<Request> Received { get; } = new();

    /// <summary>Takes the POST and does not answer (until disposed): a receiver that hangs.</summary>
    public string HangingUrl => $"http://127.0.0.1:{Port}/hang";

    /// <summary>How many POSTs <see cref="HangingUrl"/> has taken.</summary>
    public int Hanging => Volatile.Read(ref hanging);

    /// <summary>Starts a receiver on <paramref name="port"/> (a free one when null) answering <paramref name="statuses"/> first.</summary>
    public static async Task<WebhookReceiver> StartAsync(int? port = null, params int[] statuses)
    {
        var receiver = new WebhookReceiver(port ?? LocalSmtpServer.FreePort(), statuses);
        await receiver.app.StartAsync(TestContext.Current.CancellationToken);
        return receiver;
    }

    public async ValueTask DisposeAsync()
    {
        released.TrySetResult();
        await app.StopAsync(CancellationToken.None);
        await app.DisposeAsync();
    }
}
