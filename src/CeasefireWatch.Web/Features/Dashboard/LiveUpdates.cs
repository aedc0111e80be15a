using CeasefireWatch.Web.Escalation;
using CeasefireWatch.Web.Infrastructure.Security;
using Mediator;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;

namespace CeasefireWatch.Web.Features.Dashboard;

/// <summary>
/// The push channel of the live pages. It carries only "these incidents changed" (their ids): each page then fetches
/// its own fresh HTML, so what a screen shows always comes from the same queries as a reload would.
/// </summary>
[Authorize(Policy = Policies.Read)]
public sealed class LiveHub : Hub
{
    public const string Path = "/hubs/live";
    public const string IncidentChangedMethod = "incidentChanged";
}

/// <summary>Pushes every committed incident change (request or engine) to every connected page.</summary>
public sealed class PushIncidentChanged(IHubContext<LiveHub> hub) : INotificationHandler<IncidentChanged>
{
    public async ValueTask Handle(IncidentChanged notification, CancellationToken cancellationToken) =>
        await hub.Clients.All.SendAsync(LiveHub.IncidentChangedMethod, notification.IncidentIds, cancellationToken);
}
