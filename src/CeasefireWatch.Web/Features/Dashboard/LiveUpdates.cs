using CeasefireWatch.Web.Escalation;
using CeasefireWatch.Web.Infrastructure.Security;
using Mediator;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;

namespace CeasefireWatch.Web.Features.Dashboard;

/// <summary>
/// The push channel of the live pages. It carries "these incidents changed" (their ids), after which each page fetches
/// its own fresh HTML, so what a screen shows always comes from the same queries as a reload would, and the tier
/// alerts. A connection ends with the session or API key it was opened with (<see cref="LiveConnections"/>).
/// </summary>
[Authorize(Policy = Policies.Read)]
public sealed class LiveHub(LiveConnections connections) : Hub
{
    public const string Path = "/hubs/live";
    public const string IncidentChangedMethod = "incidentChanged";

    public override Task OnConnectedAsync()
    {
        connections.Opened(Context);
        return base.OnConnectedAsync();
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        connections.Closed(Context.ConnectionId);
        return base.OnDisconnectedAsync(exception);
    }
}

/// <summary>Pushes every committed incident change (request or engine) to every connected page.</summary>
public sealed class PushIncidentChanged(IHubContext<LiveHub> hub) : INotificationHandler<IncidentChanged>
{
    public async ValueTask Handle(IncidentChanged notification, CancellationToken cancellationToken) =>
        await hub.Clients.All.SendAsync(LiveHub.IncidentChangedMethod, notification.IncidentIds, cancellationToken);
}
