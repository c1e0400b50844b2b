global using SecureMonitor.Actors;
global using SecureMonitor.TestKit;
global using Xunit;
