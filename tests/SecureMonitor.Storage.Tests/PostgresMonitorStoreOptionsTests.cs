using SecureMonitor.Storage.Postgres;

namespace SecureMonitor.Storage.Tests;

/// <summary>The connection string is a secret: checked early, never shown.</summary>
public sealed class PostgresMonitorStoreOptionsTests
{
    private const string WithPassword = "Host=db.example;Port=5433;Database=monitor;Username=sm;Password=hunter2";

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("Database=monitor;Password=hunter2")]
    [InlineData("Host=db;Password=hunter2;Bogus=1")]
    [InlineData("Host=db;Port=hunter2")]
    [InlineData("Host=db;Password")]
    public void A_connection_string_that_cannot_work_is_refused_without_repeating_it(string connectionString)
    {
        var error = Assert.Throws<FormatException>(() => PostgresMonitorStoreOptions.ValidateConnectionString(connectionString));

        Assert.DoesNotContain("hunter2", error.ToString());
    }

    [Fact]
    public void A_valid_connection_string_is_accepted()
    {
        PostgresMonitorStoreOptions.ValidateConnectionString(WithPassword);
    }

    [Fact]
    public void Printing_the_options_or_the_store_location_leaves_the_password_out()
    {
        var options = new PostgresMonitorStoreOptions { ConnectionString = WithPassword };

        Assert.DoesNotContain("hunter2", options.ToString());
        Assert.Contains("<redacted>", options.ToString());
        Assert.Equal("PostgreSQL database 'monitor' on db.example:5433", options.Describe());
    }
}
