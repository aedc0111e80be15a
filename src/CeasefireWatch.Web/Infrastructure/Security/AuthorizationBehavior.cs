using Mediator;
using Microsoft.AspNetCore.Authorization;

namespace CeasefireWatch.Web.Infrastructure.Security;

/// <summary>
/// Refuses a request whose <see cref="RequiresPolicyAttribute"/> the current user or API key does not
/// satisfy, before validation and before anything is read or written. Requests without the attribute
/// still need a signed-in identity (the endpoints' fallback policy); background work has no HTTP context
/// and sends no protected requests.
/// </summary>
public sealed class AuthorizationBehavior<TMessage, TResponse>(
    IHttpContextAccessor accessor, IAuthorizationService authorization) : IPipelineBehavior<TMessage, TResponse>
    where TMessage : notnull, IMessage
{
    private static readonly string? Policy = RequiresPolicyAttribute.Of(typeof(TMessage));

    public async ValueTask<TResponse> Handle(
        TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        if (Policy is not null)
        {
            var user = accessor.HttpContext?.User
                ?? throw new ForbiddenException($"{typeof(TMessage).DeclaringType?.Name} needs a signed-in user.");
            var result = await authorization.AuthorizeAsync(user, Policy);
            if (!result.Succeeded)
            {
                throw new ForbiddenException(
                    $"Your role may not do this ({typeof(TMessage).DeclaringType?.Name}); it needs {string.Join(" or ", Policies.RolesFor[Policy])}.");
            }
        }

        return await next(message, cancellationToken);
    }
}
