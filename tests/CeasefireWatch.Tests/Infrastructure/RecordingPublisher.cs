using System.Collections.Concurrent;
using Mediator;
using Microsoft.Extensions.DependencyInjection;

namespace CeasefireWatch.Tests.Infrastructure;

/// <summary>
/// Wraps the app's <see cref="IPublisher"/> and keeps every notification published through it (then passes it
/// on unchanged), so a test can see how many changes were announced and for which incidents.
/// </summary>
public sealed class RecordingPublisher(IPublisher inner, ConcurrentQueue<object> published) : IPublisher
{
    public ValueTask Publish<TNotification>(TNotification notification, CancellationToken cancellationToken = default)
        where TNotification : INotification
    {
        published.Enqueue(notification);
        return inner.Publish(notification, cancellationToken);
    }

    public ValueTask Publish(object notification, CancellationToken cancellationToken = default)
    {
        published.Enqueue(notification);
        return inner.Publish(notification, cancellationToken);
    }

    /// <summary>Replaces the registered publisher with one that records into <paramref name="published"/>.</summary>
    public static void Install(IServiceCollection services, ConcurrentQueue<object> published)
    {
        var original = services.Last(d => d.ServiceType == typeof(IPublisher));
        services.Remove(original);
        services.Add(new ServiceDescriptor(
            typeof(IPublisher),
            sp => new RecordingPublisher(Resolve(sp, original), published),
            original.Lifetime));
    }

    private static IPublisher Resolve(IServiceProvider services, ServiceDescriptor original) =>
        (IPublisher)(original.ImplementationInstance
            ?? original.ImplementationFactory?.Invoke(services)
            ?? ActivatorUtilities.CreateInstance(services, original.ImplementationType!));
}
